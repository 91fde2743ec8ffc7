import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../shared/model/status.js';
import type { Engine } from '../engine.js';
import { objectKey } from '../repo/layout.js';
import { restore } from '../restore/restorer.js';
import { hashTree, listFiles } from '../testing/inspect.js';
import {
  ProtectionServers,
  threeDestinationHome,
  until,
  type ThreeDestinationHome,
} from './testing/servers.js';
import { WebhookReceiver } from './testing/webhook-receiver.js';

const FILES = 20;
const WEDDING = '2026-06-14 Smith & Jones';
const SLUG = '2026-06-14-smith-jones';

/** What one failover run observed, for the assertions both ways of killing S3 share. */
interface Run {
  h: ThreeDestinationHome;
  engine: Engine;
  /** Files protected when S3 was made to die. */
  protectedAtKill: number;
  /** Files with a verified copy on S3 when it died. */
  onS3AtKill: number;
  /** Status once every wedding met its target again, S3 still down. */
  recovered: StatusReport;
  /** Status once S3 was back and the queue empty. */
  back: StatusReport;
  /** Queue counts just before S3 was brought back. */
  queueBeforeBack: { queued: number; running: number; retrying: number };
}

/**
 * Backs up a 20-file wedding with `engine.run` (so the health monitor probes) to S3, Azure and a
 * NAS; once a quarter of the files are protected `kill` makes S3 die. Waits for the failover to
 * recover and checks the data while S3 is down (checkWhileDown), then `revive`s S3 and waits until
 * it is healthy, the queue empty and every wedding protected.
 */
async function failoverRun(
  servers: ProtectionServers,
  kill: () => Promise<void>,
  revive: () => Promise<void>,
  opts: { webhookUrl?: string } = {},
): Promise<Run> {
  // One upload at a time, so a kill rarely catches a promote or verify call in flight: the retry
  // wrapper keeps retrying those (up to ~15 s) even once the destination is known to be down.
  const h = await threeDestinationHome(servers, { ...opts, concurrency: 1 });
  const dir = await h.wedding(WEDDING, FILES, 250_000);
  // A slightly slow line to S3, so the kill lands a quarter of the way through and not after.
  await servers.proxy.mode('delay', { ms: 5 });
  const engine = h.open({ snapshotDelayMs: 200 });
  const abort = new AbortController();
  let killing: Promise<void> | undefined;
  let protectedAtKill = 0;
  let onS3AtKill = 0;
  let done = 0;
  engine.on('file', (_path, outcome) => {
    if (outcome.kind !== 'protected') return;
    done++;
    if (!killing && done >= FILES / 4) {
      protectedAtKill = done;
      onS3AtKill = engine.store.files.idsStoredAt('S3').length;
      killing = kill();
    }
  });
  const running = engine.run(abort.signal);
  let failed = false;
  try {
    await until('a quarter of the wedding protected', () => killing !== undefined, 30_000);
    await killing;
    const recovered = await until(
      'every wedding at its target on the healthy destinations',
      async () => {
        const s = await engine.status();
        const w = s.weddings[0];
        return s.failovers?.[0]?.recoveredAt && w?.protected === FILES && w.belowTarget === 0 ? s : undefined;
      },
      40_000,
    );
    await checkWhileDown(servers, engine, h, dir, recovered);
    const queueBeforeBack = engine.store.queue.counts();
    await revive();
    const back = await until(
      'S3 healthy again, the queue empty and every file protected',
      async () => {
        const s = await engine.status();
        const q = s.queue;
        const s3 = s.destinations.find((d) => d.name === 'S3');
        return s3?.health === 'healthy' && q.queued + q.running === 0 && s.allProtected ? s : undefined;
      },
      30_000,
    );
    return { h, engine, protectedAtKill, onS3AtKill, recovered, back, queueBeforeBack };
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    abort.abort();
    await running;
    await servers.proxy.mode('pass');
    if (failed) {
      // Leave the servers as the next test expects them.
      await revive().catch(() => undefined);
      await engine.close();
      await h.remove();
    }
  }
}

/**
 * While S3 is down: no file lost (each live file's content verified on the NAS and Azure, which
 * meet the policy without S3, in the store and in the vaults themselves; the wedding restores byte
 * for byte), the incident in status and the audit trail with its recovery time, the objects' moves
 * in the placements and the audit trail.
 */
async function checkWhileDown(
  servers: ProtectionServers,
  engine: Engine,
  h: ThreeDestinationHome,
  dir: string,
  s: StatusReport,
): Promise<void> {
  expect(s.mode).toBe('policy');
  expect(s.destinations.find((d) => d.name === 'S3')!.health).toBe('down');
  const w = s.weddings[0]!;
  expect(w).toMatchObject({
    files: FILES,
    protected: FILES,
    pending: 0,
    failed: 0,
    belowTarget: 0,
    shortfall: null,
  });
  expect(w.policy?.name).toBe('critical'); // files ingested today: 2 copies off the laptop, 2 providers
  const files = engine.store.files.ofWedding(w.wedding!.id).filter((f) => f.state !== 'deleted');
  expect(files).toHaveLength(FILES);
  const azure = new Set(await servers.azureBlobs(h.container));
  const nas = new Set(await listFiles(h.nas));
  for (const f of files) {
    expect(f.state, f.relPath).toBe('protected');
    expect(engine.store.objects.storedAt(f.hash!), f.relPath).toEqual(
      expect.arrayContaining(['Azure', 'NAS']),
    );
    expect(engine.planner.coverage(f.weddingId, f.hash!), f.relPath).toEqual({ met: true });
    expect(azure.has(objectKey(f.hash!)), `${f.relPath} on Azure`).toBe(true);
    expect(nas.has(objectKey(f.hash!)), `${f.relPath} on the NAS`).toBe(true);
  }

  // The incident: from S3's first failed call until the wedding met its target again.
  const incident = s.failovers![0]!;
  expect(incident).toMatchObject({ destination: 'S3', weddings: ['Smith & Jones'], backAt: null });
  expect(incident.recoveryMs).toBeGreaterThan(0);
  // Not the 30 s backoff of a failed upload: one in flight on S3 when it went down is re-placed at once.
  expect(incident.recoveryMs).toBeLessThan(20_000);
  expect(Date.parse(incident.recoveredAt!) - Date.parse(incident.failedAt)).toBe(incident.recoveryMs);
  expect(Date.parse(incident.failedAt)).toBeLessThanOrEqual(Date.parse(incident.downAt));
  const failovers = engine.audit.query({ kinds: ['failover'], limit: 10, order: 'asc' });
  expect(failovers.map((e) => e.destination)).toEqual(['S3', 'S3']);
  expect(failovers[0]!.subject).toMatch(/^S3 is down/);
  expect(failovers[1]!.detail.recoveryMs).toBe(incident.recoveryMs);

  // Placement moved the objects S3 held onto Azure, and the audit trail says so.
  const moves = engine.audit
    .query({ kinds: ['placement'], limit: 1000 })
    .filter(
      (e) => (e.detail.added as string[]).includes('Azure') && (e.detail.dropped as string[]).includes('S3'),
    );
  expect(moves.length).toBeGreaterThan(0);
  for (const m of moves) expect(files.map((f) => f.hash)).toContain(m.subject);
  for (const f of files)
    expect(
      engine.store.placements.of(f.hash!).map((p) => p.destination),
      f.relPath,
    ).toEqual(['Azure', 'NAS']);

  // Snapshots naming all 20 files on the NAS and Azure; with S3 still down the wedding restores byte
  // for byte from Azure alone, which held none of it before the failover.
  await until('snapshots of all files on the NAS and Azure', () =>
    ['NAS', 'Azure'].every((d) => engine.store.snapshots.latest(w.wedding!.id, d)?.files === FILES),
  );
  const want = await hashTree(dir);
  expect(Object.keys(want)).toHaveLength(FILES);
  const target = join(h.root, 'restored');
  const r = await restore({ repos: engine.repos.filter((x) => x.name === 'Azure'), wedding: SLUG, target });
  expect(r).toMatchObject({ from: 'Azure', restored: FILES, failed: [], refused: [] });
  expect(await hashTree(target)).toEqual(want);
}

/**
 * After S3 is back: every destination healthy, the incident's "back" time set, the work queued for
 * S3 done (its snapshot names every file it holds), nothing queued, nothing below target.
 */
async function checkBack(servers: ProtectionServers, run: Run): Promise<void> {
  const { back, engine } = run;
  expect(back.destinations.map((d) => [d.name, d.health])).toEqual([
    ['S3', 'healthy'],
    ['Azure', 'healthy'],
    ['NAS', 'healthy'],
  ]);
  expect(back.failovers).toHaveLength(1);
  expect(back.failovers![0]!.backAt).not.toBeNull();
  expect(back.failovers![0]!.recoveryMs).toBe(run.recovered.failovers![0]!.recoveryMs);
  expect(back.queue).toEqual({ queued: 0, running: 0, retrying: 0 });
  expect(back.warnings).toEqual([]);
  expect(back.weddings[0]).toMatchObject({ files: FILES, protected: FILES, belowTarget: 0 });
  // The work left for S3: uploads ran one at a time, so no snapshot could be written there before it
  // died; that snapshot waited in the queue and was written as soon as S3 was back.
  expect(run.queueBeforeBack.retrying).toBeGreaterThanOrEqual(1);
  const onS3 = engine.store.files.idsStoredAt('S3').length;
  expect(onS3).toBeGreaterThan(0);
  const snapshot = engine.store.snapshots.latest(back.weddings[0]!.wedding!.id, 'S3')!;
  expect(snapshot.files).toBe(onS3);
  expect(snapshot.createdAt - Date.parse(back.failovers![0]!.backAt!)).toBeLessThan(5_000);
  expect(await servers.s3Keys(run.h.bucket)).toContain(snapshot.manifestKey);
}

describe('failover when one of three destinations dies a quarter of the way through a wedding', () => {
  const servers = new ProtectionServers();
  beforeAll(() => servers.start());
  afterAll(() => servers.stop());

  it('S3 refusing connections: no file lost, recovery time measured and shown, one notification', async () => {
    const hook = await WebhookReceiver.start();
    let run: Run | undefined;
    try {
      run = await failoverRun(
        servers,
        () => servers.proxy.mode('refuse'),
        () => servers.proxy.mode('pass'),
        { webhookUrl: hook.url },
      );
      expect(run.protectedAtKill).toBe(FILES / 4);
      expect(run.onS3AtKill).toBeGreaterThan(0);
      await checkBack(servers, run);
      console.info(
        `failover (S3 refused): ${run.onS3AtKill} of ${FILES} files on S3 when it died; recovery ` +
          `${run.recovered.failovers![0]!.recoveryMs} ms; queue before S3 came back ${JSON.stringify(run.queueBeforeBack)}`,
      );
      // One "down" message for the incident, not one per file that failed on S3, and nothing else
      // (a wedding below target is only reported after notifications.belowTargetMinutes).
      await until('the webhook message', () => hook.texts.length > 0, 10_000);
      expect(hook.texts).toHaveLength(1);
      expect(hook.texts[0]).toMatch(/^:warning: Backup destination "S3" is down: .*connection refused/);
    } finally {
      await run?.engine.close();
      await run?.h.remove();
      await hook.close();
    }
  });

  it('s3rver stopped mid-backup and restarted later: the same, and its queued work is done', async () => {
    let run: Run | undefined;
    try {
      run = await failoverRun(
        servers,
        () => servers.s3.stop(),
        () => servers.s3.restart(),
      );
      expect(run.onS3AtKill).toBeGreaterThan(0);
      await checkBack(servers, run);
      console.info(
        `failover (s3rver stopped): ${run.onS3AtKill} of ${FILES} files on S3 when it died; recovery ` +
          `${run.recovered.failovers![0]!.recoveryMs} ms; queue before S3 came back ${JSON.stringify(run.queueBeforeBack)}`,
      );
    } finally {
      await run?.engine.close();
      await run?.h.remove();
    }
  });
});
