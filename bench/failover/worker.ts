/**
 * One backup of the failover benchmark, run as its own process (started by bench/failover/run.ts,
 * not for direct use): sets up a home with three destinations (S3 through the benchmark's fault
 * proxy, Azure, a NAS folder off the laptop) under `protection.copies: "policy"`, runs the agent
 * (`Engine.run`: scheduler, health monitor, watcher) until every wedding meets its target, and
 * prints one JSON line (FailoverOutput). The parent makes S3 fail while this runs; this process
 * only watches the engine, so its times are the engine's own plus a wall-clock cross-check.
 */
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../main/engine/clock.js';
import { newConfig, saveConfig } from '../../main/engine/config/config-file.js';
import { CredentialStore } from '../../main/engine/config/credentials.js';
import type { Config } from '../../main/engine/config/schema.js';
import { Engine } from '../../main/engine/engine.js';
import { addDestination } from '../../main/engine/setup/destinations.js';
import { addFolder } from '../../main/engine/setup/folders.js';
import type { FailoverSummary } from '../../shared/model/status.js';

/** What run.ts passes as the one argument (JSON). */
export interface FailoverJob {
  home: string;
  /** The watched weddings folder. */
  weddingsRoot: string;
  /** The NAS destination's folder (`onLaptop: false`). */
  nas: string;
  /** S3 as the engine reaches it: the fault proxy's endpoint in front of s3rver. */
  s3: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  azure: { endpoint: string; container: string; account: string; key: string };
  /** Files and bytes the wedding holds. */
  expectFiles: number;
  /** True when the parent will make S3 fail: then the run also waits for the engine's recovery. */
  failure: boolean;
  /** Gives up (and reports it) after this long. */
  timeoutMs: number;
}

/** One health change of a destination, with its wall-clock time (ms since the epoch). */
export interface HealthEvent {
  destination: string;
  from: string;
  to: string;
  reason: string;
  at: number;
}

/** What the worker prints: every time is wall clock, ms since the epoch (Date.now, comparable across processes). */
export interface FailoverOutput {
  /** When `engine.run` was called (after the home was set up). */
  startedAt: number;
  /** First moment every wedding met its target (all files indexed, none below), or null (timed out). */
  atTargetAt: number | null;
  /** Seconds spent configuring the home (adding the destinations), not part of the backup. */
  setupSeconds: number;
  /** Bytes the engine read from the wedding's files ('read' events). */
  bytesRead: number;
  /** Upload jobs finished ('file' events), retries included. */
  fileRuns: number;
  /** Stored copies per destination, from status(). */
  copies: Record<string, number>;
  /** Per wedding: files, protected, below target, policy name. */
  weddings: { files: number; protected: number; belowTarget: number; policy: string | null }[];
  /** status().failovers, newest first. */
  failovers: FailoverSummary[];
  /** Files the failover tracker queued again when the incident opened. */
  requeued: number | null;
  health: HealthEvent[];
  /** The engine's first 'problem' messages (at most 20). */
  problems: string[];
  /** Why the run did not finish as it should, or null. */
  problem: string | null;
}

const epoch = () => Date.now();

async function setUp(job: FailoverJob): Promise<void> {
  const credentials = new CredentialStore(job.home);
  let config: Config = addFolder(newConfig(), job.weddingsRoot, 'weddings');
  config = await addDestination(
    config,
    { name: 'NAS', kind: 'local', path: job.nas, enabled: true, onLaptop: false },
    systemClock,
  );
  config = await addDestination(
    config,
    {
      name: 'S3',
      kind: 's3',
      bucket: job.s3.bucket,
      region: 'us-east-1',
      endpoint: job.s3.endpoint,
      credentials: 'environment',
      enabled: true,
    },
    systemClock,
    {
      store: credentials,
      secret: { kind: 's3', accessKeyId: job.s3.accessKeyId, secretAccessKey: job.s3.secretAccessKey },
    },
  );
  config = await addDestination(
    config,
    {
      name: 'Azure',
      kind: 'azure',
      container: job.azure.container,
      endpoint: job.azure.endpoint,
      accountName: job.azure.account,
      credentials: 'environment',
      enabled: true,
    },
    systemClock,
    { store: credentials, secret: { kind: 'azure', accountKey: job.azure.key } },
  );
  saveConfig(job.home, { ...config, protection: { copies: 'policy', laptopCounts: false } });
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  // `warm`: loads the modules and exits, so a cold-cache run finds its own code in the cache.
  if (arg === 'warm') return;
  const job = JSON.parse(arg ?? '') as FailoverJob;
  const t0 = performance.now();
  await setUp(job);
  const setupSeconds = (performance.now() - t0) / 1000;

  const engine = Engine.open({ home: job.home });
  const out: FailoverOutput = {
    startedAt: 0,
    atTargetAt: null,
    setupSeconds,
    bytesRead: 0,
    fileRuns: 0,
    copies: {},
    weddings: [],
    failovers: [],
    requeued: null,
    health: [],
    problems: [],
    problem: null,
  };
  engine.on('read', (n) => (out.bytesRead += n));
  engine.on('problem', (m) => out.problems.length < 20 && out.problems.push(m));
  engine.monitor.on('change', (c) =>
    out.health.push({ destination: c.destination, from: c.from, to: c.to, reason: c.reason, at: epoch() }),
  );
  engine.failover.on('started', (_incident, requeued) => (out.requeued = requeued));

  /** At target: every file indexed and none below its wedding's policy (after a failure: once it began). */
  const atTarget = (): boolean => {
    const coverage = [...engine.coverage().values()];
    const files = coverage.reduce((n, c) => n + c.files, 0);
    const below = coverage.reduce((n, c) => n + c.below, 0);
    const failedOver = !job.failure || engine.store.failovers.recent(1).length > 0;
    return files === job.expectFiles && below === 0 && failedOver;
  };
  const look = () => {
    if (out.atTargetAt === null && atTarget()) out.atTargetAt = epoch();
  };
  engine.on('file', () => {
    out.fileRuns++;
    look();
  });

  const abort = new AbortController();
  out.startedAt = epoch();
  const running = engine.run(abort.signal);
  const deadline = performance.now() + job.timeoutMs;
  for (;;) {
    look();
    const recovered = !job.failure || (engine.store.failovers.recent(1)[0]?.recoveredAt ?? null) !== null;
    if (out.atTargetAt !== null && recovered) break;
    if (performance.now() > deadline) {
      out.problem =
        out.atTargetAt === null
          ? `not every wedding at target after ${job.timeoutMs / 1000} s`
          : 'every wedding at target, but the engine recorded no recovery';
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Read while the agent runs: status() then uses the monitor's health instead of probing S3.
  const status = await engine.status();
  out.copies = Object.fromEntries(
    status.destinations.map((d) => [
      d.name,
      status.weddings.reduce((n, w) => n + (w.copies[d.name] ?? 0), 0),
    ]),
  );
  out.weddings = status.weddings.map((w) => ({
    files: w.files,
    protected: w.protected,
    belowTarget: w.belowTarget ?? 0,
    policy: w.policy?.name ?? null,
  }));
  out.failovers = status.failovers ?? [];
  process.stdout.write(`${JSON.stringify(out)}\n`);
  // Uploads still retrying against the dead S3 are not waited for long: the numbers are out.
  abort.abort();
  await Promise.race([running, new Promise((r) => setTimeout(r, 15_000))]);
  await Promise.race([engine.close(), new Promise((r) => setTimeout(r, 5_000))]);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
