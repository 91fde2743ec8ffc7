/**
 * Keepsake failover and fan-out benchmark (`npx tsx bench/failover/run.ts`, the third step of `npm run
 * bench`): (1) one backup to three destinations at once against one, and against rclone copying to
 * each in turn; (2) the failover recovery time when S3 (s3rver behind the fault proxy) dies a quarter
 * of the way through a backup to S3, Azure (azurite) and a NAS folder, against the same backup
 * without a failure. Prints tables, writes bench/results/failover.json. See bench/README.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sumSamples, toSample, type Sample } from '../cases.js';
import { treeSize, type CorpusSummary } from '../corpus.js';
import { KeepsakeHome, childEnv, type KeepsakeRun } from '../keepsake.js';
import { dropCaches, hasGnuTime, killRunning, measure, timedSync, type Measured } from '../measure.js';
import { ensureBuilt, ensureRclone, requirePeer, rcloneCopy, warmProgram } from '../peers.js';
import {
  busyNote,
  ColdStarts,
  keepsakeCommit as keepsakeCommitOf,
  machineInfo,
  numberEnv,
} from '../run-info.js';
import { CloudServers, S3RVER_KEY } from '../cloud/servers.js';
import { renderFailoverReport } from './report.js';
import {
  failoverRun,
  failoverSection,
  throughputRatios,
  throughputRow,
  type FailoverResults,
  type FailoverRun,
  type FailoverSection,
  type ThroughputRow,
  type ThroughputSection,
  type Trigger,
} from './results.js';
import { generateFailoverWedding } from './wedding.js';
import type { FailoverJob, FailoverOutput } from './worker.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = join(repoRoot, 'bench', 'failover', 'worker.ts');

/** The part of testing/fault-proxy.ts the benchmark uses (loaded at run time, like the harnesses). */
interface FaultProxyLike {
  readonly endpoint: string;
  mode(name: 'refuse' | 'pass'): Promise<void>;
  stats(): { bytesUp: number };
  close(): Promise<void>;
}
const FAULT_PROXY = 'main/engine/destinations/testing/fault-proxy.ts';

const settings = {
  sizeMb: numberEnv('KEEPSAKE_BENCH_FAILOVER_MB', 2000),
  failAt: numberEnv('KEEPSAKE_BENCH_FAILOVER_AT', 0.25),
  parts: (process.env.KEEPSAKE_BENCH_FAILOVER_PARTS ?? 'throughput,failover').split(',').map((s) => s.trim()),
  fastDir: process.env.KEEPSAKE_BENCH_FAILOVER_FAST_DIR,
  timeoutMinutes: numberEnv('BENCH_TIMEOUT_MIN', 20),
  keep: process.env.BENCH_KEEP === '1',
  build: process.env.BENCH_BUILD === '1',
  baseDir: resolve(process.env.BENCH_DIR ?? tmpdir()),
};
if (settings.failAt >= 1) throw new Error('KEEPSAKE_BENCH_FAILOVER_AT must be a fraction below 1');
const timeoutMs = settings.timeoutMinutes * 60_000;

const t0 = performance.now();
const log = (s: string) =>
  process.stderr.write(`[failover ${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${s}\n`);

const notes: string[] = [];
const cold = new ColdStarts(dropCaches, notes, 'every run read the wedding from a warm cache');
/** Drops the page cache, then reloads the program about to run so only the data is cold. */
const coldStart = (warm: () => void) => cold.run(warm);
const warmKeepsake = () => {
  spawnSync(
    process.execPath,
    ['--import', join(repoRoot, 'bench', 'io-probe.mjs'), KeepsakeHome.cliPath(repoRoot), '--help'],
    {
      stdio: 'ignore',
      env: childEnv(),
    },
  );
  if (hasGnuTime()) warmProgram('/usr/bin/time', ['-o', '/dev/null', 'true']);
};
const warmWorker = () =>
  spawnSync(process.execPath, ['--import', 'tsx', WORKER, 'warm'], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: childEnv(),
  });

const fsOf = (dir: string): string => {
  const r = spawnSync('df', ['--output=fstype,source', dir], { encoding: 'utf8' });
  return (r.stdout.trim().split('\n')[1] ?? 'unknown').trim().replace(/\s+/, ' on ');
};

// ---------------------------------------------------------------------------------------------------
const built = ensureBuilt(repoRoot, settings.build, log);
if (built) notes.push(built);
const rclone = ensureRclone(log);
const rclonePath = 'path' in rclone ? rclone.path : null;
requirePeer(rclone);
if (!hasGnuTime())
  notes.push('/usr/bin/time not found: peak memory and disk reads polled from /proc every 50 ms');

mkdirSync(settings.baseDir, { recursive: true });
const work = mkdtempSync(join(settings.baseDir, 'keepsake-failover-bench-'));
const scratch = join(work, 'scratch');
mkdirSync(scratch);
const fastDirs: string[] = [];
let servers: CloudServers | undefined;
const cleanup = async () => {
  await servers?.stop();
  for (const d of fastDirs) rmSync(d, { recursive: true, force: true });
  if (settings.keep) log(`kept ${work} (BENCH_KEEP=1)`);
  else rmSync(work, { recursive: true, force: true });
};
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    // npm and tsx pass a signal on more than once: the first one is acted upon.
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping the running child, the servers, and removing ${work}`);
    killRunning();
    notes.push(`interrupted by ${sig}: only the sections finished before it are reported`);
    try {
      writeResults();
    } catch {
      // interrupted before anything was measured
    }
    void cleanup().finally(() => process.exit(130));
  });
}
log(`working in ${work}`);

const startedAt = new Date();
const loadAverageStart = loadavg();
const keepsakeCommit = keepsakeCommitOf(repoRoot);
const filesystem = fsOf(work);
const packageVersion = (name: string): string => {
  try {
    return execFileSync(process.execPath, ['-p', `require('${name}/package.json').version`], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    return '?';
  }
};

/**
 * Where section 1's destination folders go: KEEPSAKE_BENCH_FAILOVER_FAST_DIR, else /dev/shm when it
 * has room for three copies (writing to memory, so the source read is what is measured), else the
 * working folder on the source's disk (then the writes are measured too, and a note says so).
 */
function destinationsParent(bytes: number): string {
  const candidates = settings.fastDir ? [resolve(settings.fastDir)] : ['/dev/shm'];
  for (const c of candidates) {
    try {
      const s = statfsSync(c);
      if (s.bavail * s.bsize > 3.3 * bytes) {
        const d = mkdtempSync(join(c, 'keepsake-failover-bench-'));
        fastDirs.push(d);
        return d;
      }
    } catch {
      // not there
    }
  }
  notes.push(
    `no memory-backed folder with room for three copies: section 1's destinations are on ${filesystem}, ` +
      'so the writes are measured too',
  );
  return join(work, 'destinations');
}

/** Keepsake must exit with every file protected, all indexed and all processed. */
const keepsakeCheck =
  (files: number) =>
  (m: Measured | KeepsakeRun): string | null => {
    const r = 'report' in m ? m.report : null;
    if (!r) return `no --json report on stdout: ${m.stdout.slice(0, 200)}`;
    if (!r.allProtected) return 'not every file is protected after the run';
    if (r.files !== files) return `index holds ${r.files} files, the wedding ${files}`;
    if (r.filesProcessed !== files) return `processed ${r.filesProcessed} files of ${files}`;
    return null;
  };
/** A copy made by rclone must hold exactly the wedding's files and bytes. */
const copied = (dst: string, tree: { files: number; bytes: number }) => (): string | null => {
  const got = treeSize(dst);
  return got.files === tree.files && got.bytes === tree.bytes
    ? null
    : `the copy holds ${got.files} files / ${got.bytes} bytes, the wedding ${tree.files} / ${tree.bytes}`;
};

/** Section 1: Keepsake to one and to three folders at once; rclone to one, then to three in turn. */
async function throughputSection(weddings: string, corpus: CorpusSummary): Promise<ThroughputSection> {
  const parent = destinationsParent(corpus.bytes);
  mkdirSync(parent, { recursive: true });
  const rows: ThroughputRow[] = [];
  for (const n of [1, 3]) {
    const dir = join(parent, `keepsake-${n}`);
    const vaults = Array.from({ length: n }, (_, i) => join(dir, `vault${i + 1}`));
    mkdirSync(dir);
    const home = KeepsakeHome.create(repoRoot, join(work, `home-${n}`), weddings, vaults);
    // "all" is the default; written out so the run says what it measures.
    const configFile = join(home.home, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(configFile, JSON.stringify({ ...config, protection: { copies: 'all' } }, null, 2));
    const name = `keepsake backup --once`;
    log(`${name} to ${n} folder(s) (cold)`);
    coldStart(warmKeepsake);
    const m = await home.backup(scratch, timeoutMs);
    const s = toSample(m, timedSync(), keepsakeCheck(corpus.files));
    log(`  ${s.ok ? 'ok' : `FAILED: ${s.problem}`}: ${s.seconds.toFixed(1)} s`);
    rows.push(throughputRow(name, 'keepsake', n, s, corpus.bytes));
    rmSync(dir, { recursive: true, force: true });
    rmSync(home.home, { recursive: true, force: true });
  }
  if (rclonePath) {
    const dir = join(parent, 'rclone');
    mkdirSync(dir);
    const samples: Sample[] = [];
    log('rclone copy to 3 folders one after another (cold before the first)');
    coldStart(() => warmProgram(rclonePath, ['version']));
    for (let i = 1; i <= 3; i++) {
      const dst = join(dir, `copy${i}`);
      const m = await rcloneCopy(rclonePath, weddings, dst, scratch, timeoutMs);
      samples.push(toSample(m, timedSync(), copied(dst, corpus)));
      log(
        `  copy ${i}: ${samples.at(-1)!.ok ? 'ok' : `FAILED: ${samples.at(-1)!.problem}`}: ${m.seconds.toFixed(1)} s`,
      );
    }
    rows.push(throughputRow('rclone copy', 'rclone', 1, samples[0]!, corpus.bytes));
    rows.push(throughputRow('rclone copy, 3 times in turn', 'rclone', 3, sumSamples(samples), corpus.bytes));
    rmSync(dir, { recursive: true, force: true });
  }
  return { destinationsDir: parent, destinationsFs: fsOf(parent), rows, ratios: throughputRatios(rows) };
}

/** One backup of section 2 in a worker process; with `failure`, S3 refuses once failAt of the bytes went to it. */
async function failoverCase(
  s: CloudServers,
  weddings: string,
  corpus: CorpusSummary,
  failure: boolean,
): Promise<FailoverRun> {
  const name = failure ? 'failover' : 'clean';
  const proxyModule = (await import(pathToFileURL(join(repoRoot, FAULT_PROXY)).href)) as {
    FaultProxy: { start(target: { port: number }): Promise<FaultProxyLike> };
  };
  const proxy = await proxyModule.FaultProxy.start({ port: s.port('s3rver') });
  const s3 = await s.fresh('s3rver');
  const azure = await s.fresh('azurite');
  const dir = join(work, `failover-${name}`);
  mkdirSync(dir);
  const job: FailoverJob = {
    home: join(dir, 'home'),
    weddingsRoot: weddings,
    nas: join(dir, 'nas'),
    s3: {
      endpoint: proxy.endpoint,
      bucket: s3.bucket,
      accessKeyId: S3RVER_KEY.accessKeyId,
      secretAccessKey: S3RVER_KEY.secretAccessKey,
    },
    azure: {
      endpoint: azure.endpoint,
      container: azure.bucket,
      account: azure.account ?? '',
      key: azure.secret,
    },
    expectFiles: corpus.files,
    failure,
    timeoutMs,
  };
  log(
    `${failure ? `S3 fails at ${(settings.failAt * 100).toFixed(0)} %` : 'clean run'}: backup to NAS, S3, Azure (cold)`,
  );
  coldStart(warmWorker);
  let finished = false;
  const running = measure(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], {
    cwd: repoRoot,
    env: childEnv(),
    scratch,
    timeoutMs: timeoutMs + 120_000,
  }).finally(() => (finished = true));
  let trigger: Trigger | null = null;
  if (failure) {
    const threshold = settings.failAt * corpus.bytes;
    while (!finished) {
      const bytesUp = proxy.stats().bytesUp;
      if (bytesUp >= threshold) {
        trigger = { at: Date.now(), bytesUp, fraction: bytesUp / corpus.bytes };
        await proxy.mode('refuse');
        log(`  S3 refuses connections now (${(bytesUp / 1e6).toFixed(0)} MB relayed to it)`);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const m = await running;
  await proxy.close();
  let output: FailoverOutput | null;
  try {
    output = JSON.parse(m.stdout.trim().split('\n').at(-1) ?? '') as FailoverOutput;
  } catch {
    output = null;
  }
  const processProblem = m.timedOut
    ? `timed out after ${m.seconds.toFixed(0)} s`
    : m.exitCode !== 0
      ? `exit ${m.exitCode ?? m.signal}: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`
      : null;
  const run = failoverRun(
    name,
    { seconds: m.seconds, cpuSeconds: m.cpuSeconds, peakRssBytes: m.peakRssBytes, problem: processProblem },
    output,
    trigger,
    corpus,
  );
  log(
    `  ${run.ok ? 'ok' : `FAILED: ${run.problem}`}: backup ${run.backupSeconds?.toFixed(1) ?? '-'} s` +
      (failure ? `, recovery ${run.recoveryMs ?? '-'} ms (wall clock ${run.wallRecoveryMs ?? '-'} ms)` : ''),
  );
  rmSync(dir, { recursive: true, force: true });
  return run;
}

let corpus: CorpusSummary | null = null;
let throughput: ThroughputSection | null = null;
let failover: FailoverSection | null = null;
const resultsDir = join(repoRoot, 'bench', 'results');

/** The results so far, to bench/results/failover.json and .txt; returns the text. */
function writeResults(): string {
  const notesNow = [...notes];
  notesNow.push(...busyNote(loadAverageStart));
  const results: FailoverResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - t0) / 1000,
    machine: machineInfo(loadAverageStart, filesystem),
    settings: {
      sizeMb: settings.sizeMb,
      failAt: settings.failAt,
      parts: settings.parts,
      benchDir: settings.baseDir,
      timeoutMinutes: settings.timeoutMinutes,
    },
    cachesDropped: cold.dropped,
    tools: {
      rclone: 'version' in rclone ? rclone.version : null,
      gnuTime: hasGnuTime(),
      keepsakeCommit,
      servers: `s3rver ${packageVersion('s3rver')}, azurite ${packageVersion('azurite')}`,
    },
    notes: notesNow,
    corpus,
    throughput,
    failover,
  };
  const text = renderFailoverReport(results);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'failover.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(resultsDir, 'failover.txt'), text + '\n');
  return text;
}

try {
  const weddings = join(work, 'wedding', 'Weddings');
  mkdirSync(weddings, { recursive: true });
  log(`generating a ${settings.sizeMb} MB wedding in ${weddings}`);
  corpus = await generateFailoverWedding(weddings, settings.sizeMb * 1e6);
  log(`  ${corpus.files} files, ${(corpus.bytes / 1e9).toFixed(2)} GB`);
  if (settings.parts.includes('throughput')) {
    throughput = await throughputSection(weddings, corpus);
    writeResults();
  }
  if (settings.parts.includes('failover')) {
    log('starting s3rver and azurite (the engine test harnesses)');
    servers = await CloudServers.start(repoRoot);
    const runs: FailoverRun[] = [];
    for (const failure of [false, true]) runs.push(await failoverCase(servers, weddings, corpus, failure));
    failover = failoverSection(runs);
  }
} finally {
  await cleanup();
}

console.log(writeResults());
console.log(`\nJSON: ${join(resultsDir, 'failover.json')}`);
const failed =
  (throughput?.rows.some((r) => !r.sample.ok) ?? false) || (failover?.runs.some((r) => !r.ok) ?? false);
process.exitCode = failed ? 1 : 0;
