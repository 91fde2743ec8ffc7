import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../../shared/model/notification.js';
import { freePort } from '../destinations/testing/process.js';
import { EmailNotifier } from './email-notifier.js';
import { NotifyError } from './notifier.js';

const event: Notification = {
  incident: 'below-target:7@2026-06-14T12:00:00.000Z',
  kind: 'below-target',
  phase: 'opened',
  severity: 'critical',
  title: 'Wedding "Smith & Jones" is not fully protected',
  message: 'Some files of "Smith & Jones" have only 1 of 2 copies.',
  at: Date.parse('2026-06-14T18:00:00Z'),
  weddingId: 7,
};

const PASSWORD = 'hunter2-smtp-Pa55';

interface Received {
  from: string | undefined;
  to: string[];
  user: string | undefined;
  secure: boolean;
  data: string;
}

const servers: SMTPServer[] = [];
const notifiers: EmailNotifier[] = [];
afterEach(async () => {
  for (const n of notifiers.splice(0)) n.close();
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** A real SMTP server on 127.0.0.1 that keeps what it receives; resolves to its port and mailbox. */
async function smtp(opts: Partial<SMTPServerOptions> = {}): Promise<{ port: number; mailbox: Received[] }> {
  const mailbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'studio' && auth.password === PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (data += c));
      stream.on('end', () => {
        mailbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          secure: session.secure,
          data,
        });
        cb();
      });
    },
    ...opts,
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, mailbox };
}

/** Bytes of `=XX` escapes (quoted-printable, RFC 2047 Q words) as UTF-8 text. */
function unescapeQ(s: string): string {
  return Buffer.from(
    s.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

/** Just enough of RFC 5322/2047/2045 to read what nodemailer sends: headers decoded, QP body decoded. */
function decodeMail(data: string): { headers: Record<string, string>; body: string } {
  const split = data.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of data
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    const value = line
      .slice(colon + 1)
      .trim()
      .replace(/\?=\s+=\?/g, '?==?')
      .replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q: string) => unescapeQ(q.replaceAll('_', ' ')));
    headers[line.slice(0, colon).toLowerCase()] = value;
  }
  let body = data.slice(split + 4);
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? ''))
    body = unescapeQ(body.replace(/=\r\n/g, ''));
  return { headers, body };
}

function notifier(port: number, over: Partial<ConstructorParameters<typeof EmailNotifier>[0]> = {}) {
  const n = new EmailNotifier({
    host: '127.0.0.1',
    port,
    security: 'none',
    from: 'keepsake@studio.example',
    to: ['owner@studio.example', 'assistant@studio.example'],
    timeoutMs: 3000,
    ...over,
  });
  notifiers.push(n);
  return n;
}

describe('EmailNotifier', () => {
  it('sends a plain-text email to every recipient', async () => {
    const { port, mailbox } = await smtp({ disabledCommands: ['STARTTLS', 'AUTH'] });
    await notifier(port).notify(event);
    expect(mailbox).toHaveLength(1);
    const [mail] = mailbox;
    expect(mail?.from).toBe('keepsake@studio.example');
    expect(mail?.to).toEqual(['owner@studio.example', 'assistant@studio.example']);
    const { headers, body } = decodeMail(mail?.data ?? '');
    expect(headers.subject).toBe('[Keepsake] Wedding "Smith & Jones" is not fully protected');
    expect(headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(body).toBe(
      [
        'Some files of "Smith & Jones" have only 1 of 2 copies.',
        '',
        'When: 2026-06-14T18:00:00.000Z',
        'Incident: below-target:7@2026-06-14T12:00:00.000Z',
        '',
        '— Keepsake, the backup agent on your computer',
        '',
      ].join('\r\n'),
    );
  });

  it('logs in, upgrading to TLS with STARTTLS', async () => {
    // smtp-server uses its built-in self-signed certificate for STARTTLS.
    const { port, mailbox } = await smtp();
    await notifier(port, {
      security: 'starttls',
      allowUntrustedCertificate: true,
      auth: { user: 'studio', pass: PASSWORD },
    }).notify(event);
    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]).toMatchObject({ user: 'studio', secure: true });
  });

  it('refuses an untrusted certificate unless told to accept it', async () => {
    const { port, mailbox } = await smtp();
    const err = await notifier(port, { security: 'starttls' })
      .notify(event)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).message).toMatch(/^email via 127\.0\.0\.1:\d+ failed: .*certificate/i);
    expect(mailbox).toHaveLength(0);
  });

  it('reports a refused login without ever showing the password', async () => {
    const { port, mailbox } = await smtp({ disabledCommands: ['STARTTLS'] });
    const wrong = `${PASSWORD}-wrong`;
    const err = await notifier(port, { auth: { user: 'studio', pass: wrong } })
      .notify(event)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).message).toMatch(/^email via 127\.0\.0\.1:\d+ failed: .*Invalid/);
    expect((err as NotifyError).message).not.toContain(PASSWORD);
    expect(mailbox).toHaveLength(0);
  });

  it('reports a server that is not there', async () => {
    const port = await freePort();
    const err = await notifier(port)
      .notify(event)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).message).toMatch(
      new RegExp(`^email via 127\\.0\\.0\\.1:${port} failed: .*ECONNREFUSED`),
    );
  });

  it('needs a recipient', () => {
    expect(() => new EmailNotifier({ host: 'x', port: 25, from: 'a@b.c', to: [] })).toThrow(NotifyError);
  });
});
