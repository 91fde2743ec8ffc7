import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../../shared/model/notification.js';
import { freePort } from '../destinations/testing/process.js';
import { NotifyError } from './notifier.js';
import { WebhookNotifier } from './webhook-notifier.js';

const event: Notification = {
  incident: 'verify-failed:cloud@2026-06-14T12:00:00.000Z',
  kind: 'verify-failed',
  phase: 'opened',
  severity: 'critical',
  title: 'Verification found problems on "cloud"',
  message: 'Checking the copies on "cloud" found 2 damaged.',
  at: Date.parse('2026-06-14T12:00:00Z'),
  destination: 'cloud',
};

/** The secret part of a Slack webhook URL: it must never show in an error. */
const SECRET_PATH = '/services/T000/B000/s3cr3tT0k3nXYZ';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A real HTTP server on 127.0.0.1 answering with `handler`; resolves to its base URL. */
async function serve(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failure(p: Promise<unknown>): Promise<NotifyError> {
  const err = await p.then(
    () => {
      throw new Error('expected the notification to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NotifyError);
  return err as NotifyError;
}

describe('WebhookNotifier', () => {
  it('POSTs Slack-compatible JSON to the URL', async () => {
    const received: { method?: string; url?: string; type?: string; body: unknown }[] = [];
    const base = await serve((req, body, res) => {
      received.push({
        method: req.method,
        url: req.url,
        type: req.headers['content-type'],
        body: JSON.parse(body),
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new WebhookNotifier({ url: `${base}${SECRET_PATH}` }).notify(event);
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r).toMatchObject({ method: 'POST', url: SECRET_PATH, type: 'application/json' });
    const body = r?.body as { text: string; blocks: { type: string }[] };
    expect(body.text).toBe(
      ':rotating_light: Verification found problems on "cloud": Checking the copies on "cloud" found 2 damaged.',
    );
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('reports a refusal with the status and reply, never the secret path', async () => {
    const base = await serve((req, _body, res) => res.writeHead(404).end(`no_service for ${req.url}`));
    const err = await failure(new WebhookNotifier({ url: `${base}${SECRET_PATH}` }).notify(event));
    expect(err.message).toMatch(
      /^webhook at 127\.0\.0\.1:\d+ refused the message: HTTP 404 no_service for \*\*\*$/,
    );
    expect(err.message).not.toContain('s3cr3t');
  });

  it('gives up after the timeout when the receiver does not answer', async () => {
    const base = await serve(() => undefined);
    const started = performance.now();
    const err = await failure(
      new WebhookNotifier({ url: `${base}${SECRET_PATH}`, timeoutMs: 300 }).notify(event),
    );
    expect(err.message).toMatch(/^webhook at 127\.0\.0\.1:\d+: no answer within 0\.3 s$/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('reports a receiver that is not there', async () => {
    const port = await freePort();
    const err = await failure(
      new WebhookNotifier({ url: `http://127.0.0.1:${port}${SECRET_PATH}` }).notify(event),
    );
    expect(err.message).toBe(`webhook at 127.0.0.1:${port}: cannot connect (ECONNREFUSED)`);
  });

  it('refuses an address that is not http(s)', () => {
    expect(() => new WebhookNotifier({ url: 'not a url' })).toThrow(NotifyError);
    expect(() => new WebhookNotifier({ url: 'file:///etc/passwd' })).toThrow(/https:\/\//);
  });
});
