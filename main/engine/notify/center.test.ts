import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../../shared/model/notification.js';
import { ManualClock } from '../clock.js';
import type { VerifyResult } from '../scrub/verify.js';
import { NotificationCenter, type CenterOptions } from './center.js';
import { LogNotifier } from './log-notifier.js';
import { WebhookNotifier } from './webhook-notifier.js';

const MIN = 60_000;

/** A center whose one channel is a LogNotifier writing into `lines`; `sent` parses what went out. */
function setup(opts: Partial<CenterOptions> = {}) {
  const clock = new ManualClock();
  const lines: string[] = [];
  const events: Notification[] = [];
  const log = new LogNotifier((l) => lines.push(l));
  const center = new NotificationCenter(
    clock,
    [{ name: 'log', notify: async (e) => (events.push(e), log.notify(e)) }],
    opts,
  );
  const down = (destination: string, reason = 'connection refused: the server is not answering') =>
    center.destinationHealth({ destination, state: 'down', reason, since: clock.now() });
  const up = (destination: string) =>
    center.destinationHealth({
      destination,
      state: 'healthy',
      reason: 'working normally',
      since: clock.now(),
    });
  const later = async (ms: number) => {
    clock.advance(ms);
    await center.tick();
  };
  return { clock, center, lines, events, down, up, later };
}

const verify = (over: Partial<VerifyResult>): VerifyResult => ({
  checked: 10,
  ok: 10,
  missing: [],
  corrupt: [],
  requeued: 0,
  unrepairable: [],
  unreachable: [],
  tamperedManifests: [],
  rewrittenManifests: [],
  ...over,
});

describe('NotificationCenter', () => {
  it('notifies once when a destination goes down, however often it is reported, and once when it is back', async () => {
    const { center, events, lines, down, up, later, clock } = setup({ settleMs: MIN });
    const t0 = clock.now();
    down('cloud');
    await center.tick();
    for (let i = 0; i < 20; i++) {
      down('cloud', i % 2 ? 'bad credentials: the access key or password was refused' : 'timed out');
      await later(10_000);
    }
    expect(events.map((e) => `${e.phase}:${e.kind}`)).toEqual(['opened:destination-down']);
    expect(events[0]).toMatchObject({
      incident: `destination-down:cloud@${new Date(t0).toISOString()}`,
      severity: 'warning',
      title: 'Backup destination "cloud" is down',
      destination: 'cloud',
      at: t0,
    });
    expect(lines[0]).toBe(
      `${new Date(t0).toISOString()} keepsake WARNING Backup destination "cloud" is down: "cloud" has not been working since ` +
        `${new Date(t0).toISOString()}: connection refused: the server is not answering. Backups to it wait until it works again; Keepsake keeps trying.`,
    );
    up('cloud');
    await later(MIN - 1);
    expect(events).toHaveLength(1);
    await later(1);
    expect(events.map((e) => e.phase)).toEqual(['opened', 'resolved']);
    expect(events[1]).toMatchObject({ incident: events[0]?.incident, severity: 'info' });
    expect(events[1]?.message).toBe(
      '"cloud" is working again (it was down for about 3 min). Waiting backups are being sent.',
    );
    expect(center.incidents()).toEqual([]);
    // A new outage is a new incident and is told again.
    down('cloud');
    await center.tick();
    expect(events).toHaveLength(3);
    expect(events[2]?.phase).toBe('opened');
    expect(events[2]?.incident).not.toBe(events[0]?.incident);
  });

  it('a flapping destination is one incident, not a storm', async () => {
    const { center, events, down, up, later } = setup({ settleMs: 2 * MIN });
    for (let i = 0; i < 10; i++) {
      down('nas');
      await later(30_000);
      up('nas');
      await later(30_000);
    }
    expect(events.map((e) => e.phase)).toEqual(['opened']);
    await later(2 * MIN);
    expect(events.map((e) => e.phase)).toEqual(['opened', 'resolved']);
    expect(center.incidents()).toEqual([]);
  });

  it('waits downAfterMs before telling, and says nothing about an outage shorter than that', async () => {
    const { events, down, up, later } = setup({ downAfterMs: 5 * MIN });
    down('nas');
    await later(4 * MIN);
    up('nas');
    await later(10 * MIN);
    expect(events).toEqual([]);
    down('nas');
    await later(5 * MIN);
    expect(events.map((e) => e.phase)).toEqual(['opened']);
  });

  it('tells about a wedding below target only after the set time, once', async () => {
    const { center, events, later } = setup({ belowTargetAfterMs: 6 * 3600_000, settleMs: 0 });
    const report = (below: number) =>
      center.weddingProtection({
        weddingId: 7,
        name: 'Smith & Jones',
        files: 40,
        belowTarget: below,
        target: 2,
      });
    // Just imported: below target while uploads run, then protected: nobody is bothered.
    report(40);
    await later(3600_000);
    report(0);
    await later(7 * 3600_000);
    expect(events).toEqual([]);
    report(12);
    for (let h = 0; h < 6; h++) {
      await later(3600_000 - 1);
      report(3);
    }
    expect(events).toEqual([]);
    await later(6);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'below-target',
      severity: 'critical',
      title: 'Wedding "Smith & Jones" is not fully protected',
      message:
        '3 of 40 files of "Smith & Jones" have had fewer than 2 backup copies for more than 6 h. Check that your destinations are working.',
      weddingId: 7,
    });
    for (let h = 0; h < 24; h++) {
      report(1);
      await later(3600_000);
    }
    expect(events).toHaveLength(1);
    report(0);
    await later(0);
    expect(events.map((e) => e.phase)).toEqual(['opened', 'resolved']);
    expect(events[1]?.message).toBe('Every file of this wedding now has its target number of copies.');
  });

  it('tells about verify failures per destination, and closes them when a later run is clean', async () => {
    const { center, events, later } = setup({ settleMs: 0 });
    const dests = ['nas', 'cloud'];
    center.verifyFinished(
      verify({
        corrupt: [
          { destination: 'cloud', hash: 'a' },
          { destination: 'cloud', hash: 'b' },
        ],
        missing: [{ destination: 'cloud', hash: 'c' }],
        unrepairable: [{ destination: 'cloud', hash: 'c', otherCopies: ['nas'] }],
      }),
      dests,
    );
    await center.tick();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'verify-failed',
      destination: 'cloud',
      title: 'Verification found problems on "cloud"',
      message:
        'Checking the copies on "cloud" found 1 missing, 2 damaged. 1 cannot be re-sent because the original is no longer on this computer; they are still on your other destinations.',
    });
    // The same finding again is the same incident; an unreachable destination leaves it as it is.
    center.verifyFinished(verify({ corrupt: [{ destination: 'cloud', hash: 'a' }] }), dests);
    center.verifyFinished(verify({ unreachable: [{ destination: 'cloud', reason: 'down' }] }), dests);
    await later(MIN);
    expect(events).toHaveLength(1);
    center.verifyFinished(verify({}), dests);
    await later(0);
    expect(events.map((e) => e.phase)).toEqual(['opened', 'resolved']);
    expect(events[1]?.message).toBe('The last verification of "cloud" found every copy intact.');
  });

  it('can leave out resolved messages', async () => {
    const { events, down, up, later } = setup({ notifyResolved: false, settleMs: 0 });
    down('nas');
    await later(0);
    up('nas');
    await later(MIN);
    expect(events.map((e) => e.phase)).toEqual(['opened']);
  });

  it('lists open incidents for the UI, including ones still waiting out their hold', async () => {
    const { center, down, later, clock } = setup({ belowTargetAfterMs: 3600_000 });
    down('nas', 'drive unplugged or network share not mounted');
    center.weddingProtection({ weddingId: 3, name: 'Lee', files: 5, belowTarget: 5, target: 2 });
    center.weddingProtection({
      weddingId: null,
      name: 'unassigned files',
      files: 2,
      belowTarget: 1,
      target: 2,
    });
    await later(0);
    expect(center.incidents()).toMatchObject([
      { key: 'destination-down:nas', notified: true, since: clock.now(), destination: 'nas' },
      { key: 'below-target:3', notified: false, weddingId: 3 },
      { key: 'below-target:unassigned', notified: false },
    ]);
    expect(center.incidents()[2]).not.toHaveProperty('weddingId');
  });

  it('runs by itself: tells at once about a new incident and later about due ones', async () => {
    const { center, events, down, clock } = setup({ belowTargetAfterMs: 3600_000 });
    const stop = new AbortController();
    const running = center.run(stop.signal);
    const flush = () => new Promise((r) => setTimeout(r, 10));
    down('nas');
    await flush();
    expect(events.map((e) => e.kind)).toEqual(['destination-down']);
    center.weddingProtection({ weddingId: 3, name: 'Lee', files: 5, belowTarget: 1, target: 2 });
    await flush();
    clock.advance(3600_000 - 1);
    await flush();
    expect(events).toHaveLength(1);
    clock.advance(1);
    await flush();
    expect(events.map((e) => e.kind)).toEqual(['destination-down', 'below-target']);
    stop.abort();
    await running;
  });
});

describe('NotificationCenter deliveries', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it('retries a failed delivery with backoff, reporting each failure without the secret, and delivers once', async () => {
    let answers = [500, 503, 200];
    const bodies: string[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(answers.shift() ?? 200).end('oops');
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/SECRET-token-123`;
    const clock = new ManualClock();
    const errors: string[] = [];
    const lines: string[] = [];
    const center = new NotificationCenter(
      clock,
      [new WebhookNotifier({ url }), new LogNotifier((l) => lines.push(l))],
      {
        retryMs: MIN,
        onError: (err, notifier) => errors.push(`${notifier}: ${(err as Error).message}`),
      },
    );
    center.destinationHealth({
      destination: 'cloud',
      state: 'down',
      reason: 'bad credentials',
      since: clock.now(),
    });
    await center.tick();
    expect(lines).toHaveLength(1);
    expect(bodies).toHaveLength(1);
    clock.advance(MIN - 1);
    await center.tick();
    expect(bodies).toHaveLength(1);
    clock.advance(1);
    await center.tick();
    expect(bodies).toHaveLength(2);
    clock.advance(2 * MIN);
    await center.tick();
    expect(bodies).toHaveLength(3);
    clock.advance(10 * MIN);
    await center.tick();
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    expect(lines).toHaveLength(1);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^webhook: webhook at 127\.0\.0\.1:\d+ refused the message: HTTP 500 oops$/);
    expect(errors.join()).not.toContain('SECRET');
    answers = [];
  });

  it('gives up after maxAttempts', async () => {
    let hits = 0;
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    const clock = new ManualClock();
    const center = new NotificationCenter(clock, [new WebhookNotifier({ url })], {
      retryMs: 1000,
      maxAttempts: 3,
    });
    center.destinationHealth({ destination: 'cloud', state: 'down', reason: 'x', since: clock.now() });
    for (let i = 0; i < 20; i++) {
      await center.tick();
      clock.advance(10_000);
    }
    expect(hits).toBe(3);
  });
});
