/**
 * The part-size / in-flight sweep: uploads one corpus to s3rver and azurite with each combination of
 * part (block) size and parts in flight, each configuration in its own worker process
 * (sweep-worker.ts) so its time, CPU and peak memory are its own; the engine's default also runs
 * first and last, so its spread shows the machine's noise.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../keepsake.js';
import { measure } from '../measure.js';
import { S3RVER_KEY, type CloudServers, type ServerKind } from './servers.js';
import type { SweepJob, SweepOutput } from './sweep-worker.js';

const MiB = 1024 * 1024;
const WORKER = fileURLToPath(new URL('./sweep-worker.ts', import.meta.url));

/** One run of one configuration. */
export interface SweepSample {
  seconds: number;
  /** Corpus bytes / seconds, 10^6 bytes per second. */
  mbPerSecond: number;
  /** Max RSS of the worker process (GNU time or /proc polling). */
  peakRssBytes: number | null;
  /** Worker CPU seconds (user + system) during the uploads. */
  cpuSeconds: number | null;
  /** The emulator's CPU seconds during the uploads. */
  serverCpuSeconds: number | null;
  /**
   * Client + server CPU seconds per GB sent: the work a configuration costs. On a loaded machine
   * it moves far less than MB/s, which depends on how much CPU the other work leaves.
   */
  cpuPerGb: number | null;
  failures: number;
  ok: boolean;
  problem: string | null;
  /** When it ran: `default, first`, `round 1`, `default, round 1 middle`, `confirm 1`, `default, last`. */
  phase: string;
}

/** One configuration and its samples (the default's include its runs before and after the rest). */
export interface SweepRow {
  server: ServerKind;
  partMiB: number;
  inFlight: number;
  /** The engine's default configuration. */
  isDefault: boolean;
  samples: SweepSample[];
  /** Median MB/s over the samples that succeeded; null when none did. */
  mbPerSecond: number | null;
  /** Median client + server CPU seconds per GB over the samples that succeeded. */
  cpuPerGb: number | null;
  peakRssBytes: number | null;
  /** Buffer bound of one upload: part size × (in flight + 1), bytes. */
  bufferBytes: number;
}

/** What to sweep. */
export interface SweepPlan {
  server: ServerKind;
  partsMiB: number[];
  inFlight: number[];
  /** The engine's default, also run first and last to measure drift. */
  defaults: { partMiB: number; inFlight: number };
  rounds: number;
  filesAtOnce: number;
}

/** A seeded shuffle, so every run of the benchmark uses the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every regular file under `dir` with its size, in path order. */
export function listFiles(dir: string): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full));
    else if (e.isFile()) out.push({ path: full, size: statSync(full).size });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Writes the worker's file list: every corpus file under a key the destinations accept. */
export function writeFileList(
  files: { path: string; size: number }[],
  scratch: string,
): { listFile: string; bytes: number } {
  const list = files.map((f, i) => ({
    path: f.path,
    key: `sweep/${String(i).padStart(4, '0')}-${basename(f.path).replace(/[^A-Za-z0-9._-]/g, '_')}`,
    size: f.size,
  }));
  const listFile = join(scratch, 'sweep-files.json');
  writeFileSync(listFile, JSON.stringify(list));
  return { listFile, bytes: list.reduce((n, f) => n + f.size, 0) };
}

/** The worker's JSON line, or null when it printed none. */
function parseOutput(stdout: string): SweepOutput | null {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as SweepOutput;
  } catch {
    return null;
  }
}

/** Runs one configuration in a fresh bucket/container, in a worker process. */
async function runOne(
  repoRoot: string,
  servers: CloudServers,
  server: ServerKind,
  cfg: { partMiB: number; inFlight: number; filesAtOnce: number },
  list: { listFile: string; bytes: number },
  scratch: string,
  timeoutMs: number,
): Promise<SweepSample> {
  const t = await servers.fresh(server);
  const job: SweepJob = {
    kind: server,
    endpoint: t.endpoint,
    bucket: t.bucket,
    accessKeyId: S3RVER_KEY.accessKeyId,
    secret: t.secret,
    ...(t.account ? { account: t.account } : {}),
    partSize: cfg.partMiB * MiB,
    inFlight: cfg.inFlight,
    filesAtOnce: cfg.filesAtOnce,
    listFile: list.listFile,
    serverPid: servers.pid(server),
  };
  const m = await measure(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], {
    cwd: repoRoot,
    env: childEnv(),
    scratch,
    timeoutMs,
  });
  const out = parseOutput(m.stdout);
  const problem = m.timedOut
    ? `timed out after ${m.seconds.toFixed(0)} s`
    : m.exitCode !== 0 || !out
      ? `exit ${m.exitCode ?? m.signal}: ${m.stderr.trim().split('\n').slice(-2).join(' | ')}`
      : out.bytes !== list.bytes
        ? `sent ${out.bytes} bytes, the corpus has ${list.bytes}`
        : null;
  const seconds = out?.seconds ?? m.seconds;
  return {
    seconds,
    mbPerSecond: list.bytes / seconds / 1e6,
    peakRssBytes: m.peakRssBytes,
    cpuSeconds: out?.cpuSeconds ?? null,
    serverCpuSeconds: out?.serverCpuSeconds ?? null,
    cpuPerGb:
      out && out.serverCpuSeconds !== null
        ? (out.cpuSeconds + out.serverCpuSeconds) / (list.bytes / 1e9)
        : null,
    failures: out?.failures ?? 0,
    ok: problem === null,
    problem: problem ?? (out && out.failures > 0 ? (out.errors[0] ?? 'a put failed once') : null),
    phase: '',
  };
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function toRow(
  server: ServerKind,
  partMiB: number,
  inFlight: number,
  isDefault: boolean,
  samples: SweepSample[],
): SweepRow {
  const ok = samples.filter((s) => s.ok);
  return {
    server,
    partMiB,
    inFlight,
    isDefault,
    samples,
    mbPerSecond: median(ok.map((s) => s.mbPerSecond)),
    cpuPerGb: median(ok.flatMap((s) => (s.cpuPerGb === null ? [] : [s.cpuPerGb]))),
    peakRssBytes: ok.length ? Math.max(...ok.map((s) => s.peakRssBytes ?? 0)) || null : null,
    bufferBytes: partMiB * MiB * (inFlight + 1),
  };
}

/** Runs of the default and a challenger made when one round points away from the default. */
const CONFIRM_ROUNDS = 2;

/**
 * Every configuration of `plan`, `rounds` times each in a seeded shuffled order (another per server).
 * The engine's default also runs before everything, in the middle of each round and after
 * everything: its spread over all its runs measures how much the machine and the emulator drifted,
 * which is the noise any difference between configurations must exceed.
 * When the rows so far point to another configuration (`challenger` returns it), that one and the
 * default run twice more each, alternating, before the default's last run: one run per
 * configuration is too few to move a default on (see README.md).
 */
export async function runSweep(
  repoRoot: string,
  servers: CloudServers,
  plan: SweepPlan,
  list: { listFile: string; bytes: number },
  scratch: string,
  timeoutMs: number,
  log: (s: string) => void,
  challenger: (rows: SweepRow[]) => { partMiB: number; inFlight: number } | null,
): Promise<SweepRow[]> {
  const keyOf = (c: { partMiB: number; inFlight: number }) => `${c.partMiB}x${c.inFlight}`;
  const configs = plan.partsMiB.flatMap((partMiB) =>
    plan.inFlight.map((inFlight) => ({ partMiB, inFlight })),
  );
  if (!configs.some((c) => keyOf(c) === keyOf(plan.defaults))) configs.push(plan.defaults);
  const samples = new Map<string, SweepSample[]>(configs.map((c) => [keyOf(c), []]));
  const rows = () =>
    configs.map((c) =>
      toRow(plan.server, c.partMiB, c.inFlight, keyOf(c) === keyOf(plan.defaults), samples.get(keyOf(c))!),
    );
  const one = async (c: { partMiB: number; inFlight: number }, phase: string) => {
    const s = await runOne(
      repoRoot,
      servers,
      plan.server,
      { ...c, filesAtOnce: plan.filesAtOnce },
      list,
      scratch,
      timeoutMs,
    );
    s.phase = phase;
    samples.get(keyOf(c))!.push(s);
    log(
      `  ${plan.server} ${phase}: ${c.partMiB} MiB x ${c.inFlight}: ` +
        (s.ok
          ? `${s.mbPerSecond.toFixed(1)} MB/s, ${((s.peakRssBytes ?? 0) / MiB).toFixed(0)} MiB`
          : s.problem),
    );
  };
  await one(plan.defaults, 'default, first');
  const seed = 20260614 + (plan.server === 'azurite' ? 1000 : 0);
  for (let round = 0; round < plan.rounds; round++) {
    const order = shuffled(configs, seed + round);
    for (const [i, c] of order.entries()) {
      await one(c, `round ${round + 1}`);
      if (i + 1 === Math.ceil(order.length / 2))
        await one(plan.defaults, `default, round ${round + 1} middle`);
    }
  }
  const other = challenger(rows());
  if (other && keyOf(other) !== keyOf(plan.defaults) && samples.has(keyOf(other))) {
    for (let i = 0; i < CONFIRM_ROUNDS; i++) {
      const pair = i % 2 === 0 ? [other, plan.defaults] : [plan.defaults, other];
      for (const c of pair) await one(c, `confirm ${i + 1}`);
    }
  }
  await one(plan.defaults, 'default, last');
  return rows();
}
