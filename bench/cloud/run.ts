/**
 * Keepsake cloud benchmark (`npx tsx bench/cloud/run.ts`): backs up the generated wedding to s3rver
 * and to azurite with `keepsake backup --once`, against `rclone copy` of the same tree to the same
 * server in the same run, then sweeps S3 part size / Azure block size and parts in flight to choose
 * the destinations' defaults. Prints tables, writes bench/cloud/results/latest.json. See README.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { toCase, toSample, type CaseResult, type Sample } from '../cases.js';
import { generateWeddingCorpus, type CorpusSummary } from '../corpus.js';
import { KeepsakeHome, childEnv, type KeepsakeRun } from '../keepsake.js';
import { dropCaches, hasGnuTime, killRunning, timedSync, type Measured } from '../measure.js';
import { ensureBuilt, ensureRclone, requirePeer, warmProgram } from '../peers.js';
import {
  busyNote,
  ColdStarts,
  keepsakeCommit as keepsakeCommitOf,
  machineInfo,
  numberEnv,
} from '../run-info.js';
import { renderCloudReport } from './report.js';
import {
  CASES,
  comparisonRatios,
  recommend,
  noiseOf,
  type CloudResults,
  type ServerComparison,
  type SweepSection,
} from './results.js';
import { CloudServers, cpuSecondsOf, type ServerKind, type Target } from './servers.js';
import { listFiles, runSweep, writeFileList } from './sweep.js';
import { cliHasEncryption, keepsakeHomeFor, rcloneCopyTo, storedSize } from './tools.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function listEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.split(',').map((s) => Number(s.trim()));
  if (v.some((x) => !Number.isFinite(x) || x <= 0))
    throw new Error(`${name}: expected numbers, got "${raw}"`);
  return v;
}

const settings = {
  sizeGb: numberEnv('BENCH_SIZE_GB', 2),
  sweepGb: numberEnv('BENCH_SWEEP_GB', 0.5),
  sweepRounds: Math.round(numberEnv('BENCH_SWEEP_ROUNDS', 1)),
  repeat: Math.round(numberEnv('BENCH_REPEAT', 1)),
  parts: (process.env.BENCH_CLOUD_PARTS ?? 'compare,sweep').split(',').map((s) => s.trim()),
  servers: (process.env.BENCH_CLOUD_SERVERS ?? 's3rver,azurite').split(',').map((s) => s.trim()),
  s3PartsMiB: listEnv('BENCH_SWEEP_PARTS_MIB', [5, 8, 16, 32]),
  azureBlocksMiB: listEnv('BENCH_SWEEP_BLOCKS_MIB', [4, 8, 16, 32]),
  inFlight: listEnv('BENCH_SWEEP_INFLIGHT', [2, 4, 8]),
  /** The engine's `transfer.concurrency` default: files uploaded at once. */
  filesAtOnce: 2,
  /** Also run Keepsake with an encrypted destination (the CLI's default for cloud destinations). */
  encrypted: process.env.BENCH_CLOUD_ENCRYPTED === '1',
  timeoutMs: numberEnv('BENCH_TIMEOUT_MIN', 60) * 60_000,
  keep: process.env.BENCH_KEEP === '1',
  build: process.env.BENCH_BUILD === '1',
  baseDir: resolve(process.env.BENCH_DIR ?? tmpdir()),
};
/** The destinations' defaults (s3.ts DEFAULT_PART_SIZE/QUEUE_SIZE, azure/upload.ts DEFAULT_UPLOAD_TUNING). */
const DEFAULTS = { partMiB: 8, inFlight: 4 };

const t0 = performance.now();
const log = (s: string) =>
  process.stderr.write(`[cloud ${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${s}\n`);

const notes: string[] = [];
const cold = new ColdStarts(dropCaches, notes, 'every run read the tree from a warm cache');
/** Drops the page cache, then reloads the program about to run so only the data is cold. */
const coldStart = (warm: () => void) => cold.run(warm);

const cli = KeepsakeHome.cliPath(repoRoot);
const warmKeepsake = () =>
  spawnSync(process.execPath, ['--import', join(repoRoot, 'bench', 'io-probe.mjs'), cli, '--help'], {
    stdio: 'ignore',
    env: childEnv(),
  });

// ---------------------------------------------------------------------------------------------------
const built = ensureBuilt(repoRoot, settings.build, log);
if (built) notes.push(built);
const hasEncryption = cliHasEncryption(repoRoot);
if (hasEncryption)
  notes.push(
    'Keepsake encrypts cloud destinations by default in this build; the main rows use --no-encrypt, ' +
      `like rclone, which sends the files as they are${settings.encrypted ? '; the "encrypted" rows use --encrypt' : ' (BENCH_CLOUD_ENCRYPTED=1 adds encrypted rows)'}`,
  );
const rclone = ensureRclone(log);
const rclonePath = 'path' in rclone ? rclone.path : null;
requirePeer(rclone);
if (!hasGnuTime()) notes.push('/usr/bin/time not found: peak memory polled from /proc every 50 ms');

mkdirSync(settings.baseDir, { recursive: true });
const work = mkdtempSync(join(settings.baseDir, 'keepsake-cloud-bench-'));
const scratch = join(work, 'scratch');
mkdirSync(scratch);
let servers: CloudServers | undefined;
const cleanup = async () => {
  await servers?.stop();
  if (settings.keep) log(`kept ${work} (BENCH_KEEP=1)`);
  else rmSync(work, { recursive: true, force: true });
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping the running child, the servers, and removing ${work}`);
    killRunning();
    void cleanup().finally(() => process.exit(130));
  });
}
log(`working in ${work}`);

const startedAt = new Date();
const loadAverageStart = loadavg();
const keepsakeCommit = keepsakeCommitOf(repoRoot);
const packageVersion = (name: string): string => {
  try {
    return (
      execFileSync(process.execPath, ['-p', `require('${name}/package.json').version`], {
        cwd: repoRoot,
        encoding: 'utf8',
      }).trim() || '?'
    );
  } catch {
    return '?';
  }
};

/**
 * The run with Node's warnings (the AWS SDK's NodeVersionSupportWarning) taken out of its stderr, and
 * the problems of a failed Keepsake run's --json report added, so a failure names its cause.
 */
function withoutNodeWarnings<M extends Measured>(m: M): M {
  const lines = m.stderr.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^\(node:\d+\) (\[\w+\] )?\w*Warning:/.test(lines[i]!)) {
      while (i + 1 < lines.length && !/trace-warnings/.test(lines[i]!)) i++;
      continue;
    }
    kept.push(lines[i]!);
  }
  let stderr = kept.join('\n').trim();
  if (m.exitCode !== 0) {
    const start = m.stdout.indexOf('{');
    try {
      const r = JSON.parse(m.stdout.slice(start)) as { problems?: unknown[] };
      if (r.problems?.length) stderr += `\nproblems: ${JSON.stringify(r.problems).slice(0, 500)}`;
    } catch {
      if (m.stdout.trim()) stderr += `\nstdout: ${m.stdout.trim().slice(-500)}`;
    }
  }
  return { ...m, stderr };
}

const problemOf = (m: Measured): string | null =>
  m.timedOut ? 'timed out' : m.exitCode !== 0 ? 'non-zero exit' : null;

/**
 * Keepsake's run must report every file protected, `files` indexed and at least as many processed
 * (more when an upload was tried again), and its bucket
 * (listed by rclone) must hold at least the tree's bytes: content objects plus manifests.
 */
const keepsakeCheck =
  (corpus: CorpusSummary, stored: () => { count: number; bytes: number } | { error: string } | null) =>
  (m: Measured | KeepsakeRun): string | null => {
    const r = 'report' in m ? m.report : null;
    if (!r) return `no --json report on stdout: ${m.stdout.slice(0, 200)}`;
    if (!r.allProtected) return 'not every file is protected after the run';
    if (r.files !== corpus.files) return `index holds ${r.files} files, the tree ${corpus.files}`;
    // A file whose upload failed and was tried again counts twice (engine 'file' events), so more is fine.
    if (r.filesProcessed < corpus.files) return `processed ${r.filesProcessed} files of ${corpus.files}`;
    const s = stored();
    if (s && 'error' in s) return `listing the bucket failed: ${s.error}`;
    if (s && s.bytes < corpus.bytes) return `the bucket holds ${s.bytes} bytes, the tree ${corpus.bytes}`;
    return null;
  };

/** rclone's copy must hold exactly the tree's files and bytes. */
const rcloneCheck =
  (corpus: CorpusSummary, stored: () => { count: number; bytes: number } | { error: string } | null) =>
  (): string | null => {
    const s = stored();
    if (!s) return null;
    if ('error' in s) return `listing the bucket failed: ${s.error}`;
    return s.count === corpus.files && s.bytes === corpus.bytes
      ? null
      : `the bucket holds ${s.count} objects / ${s.bytes} bytes, the tree ${corpus.files} / ${corpus.bytes}`;
  };

/** Section 1 for one server: Keepsake and rclone, each to a fresh bucket, `repeat` times. */
async function compareOn(
  kind: ServerKind,
  s: CloudServers,
  weddings: string,
  corpus: CorpusSummary,
): Promise<ServerComparison> {
  const tree = { bytes: corpus.bytes, files: corpus.files };
  const extra = new Map<
    Sample,
    { serverCpu: number | null; stored: { count: number; bytes: number } | null }
  >();
  const sampleOf = async (
    label: string,
    run: (t: Target) => Promise<Measured>,
    check: (
      stored: () => { count: number; bytes: number } | { error: string } | null,
    ) => (m: Measured | KeepsakeRun) => string | null,
  ): Promise<Sample> => {
    const t = await s.fresh(kind);
    const pid = s.pid(kind);
    log(`${kind}: ${label} to ${t.bucket}`);
    const cpu0 = cpuSecondsOf(pid);
    const m = withoutNodeWarnings(await run(t));
    const cpu1 = cpuSecondsOf(pid);
    const sync = timedSync();
    let listed: { count: number; bytes: number } | { error: string } | null | undefined;
    const stored = () => (listed ??= problemOf(m) || !rclonePath ? null : storedSize(rclonePath, t, scratch));
    const sample = toSample(m, sync, check(stored));
    log(`  ${sample.ok ? 'ok' : `FAILED: ${sample.problem}`}: ${sample.seconds.toFixed(1)} s`);
    extra.set(sample, {
      serverCpu: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
      stored: listed && !('error' in listed) ? listed : null,
    });
    return sample;
  };

  /** Keepsake runs: unencrypted (like rclone), and encrypted when asked for and supported. */
  const variants: { name: string; encrypt: boolean | null }[] = [
    { name: CASES.keepsake, encrypt: hasEncryption ? false : null },
    ...(settings.encrypted && hasEncryption ? [{ name: CASES.keepsakeEncrypted, encrypt: true }] : []),
  ];
  const ks = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  const rc: Sample[] = [];
  for (let i = 0; i < settings.repeat; i++) {
    for (const v of variants) {
      ks.get(v.name)!.push(
        await sampleOf(
          v.name,
          async (t) => {
            const home = keepsakeHomeFor(
              repoRoot,
              join(work, `home-${kind}-${v.encrypt ? 'enc' : 'plain'}-${i}`),
              weddings,
              t,
              v.encrypt,
            );
            coldStart(warmKeepsake);
            return home.backup(scratch, settings.timeoutMs);
          },
          (stored) => keepsakeCheck(corpus, stored),
        ),
      );
    }
    if (rclonePath) {
      rc.push(
        await sampleOf(
          CASES.rclone,
          (t) => {
            coldStart(() => warmProgram(rclonePath, ['version']));
            return rcloneCopyTo(rclonePath, weddings, t, scratch, settings.timeoutMs);
          },
          (stored) => rcloneCheck(corpus, stored),
        ),
      );
    }
  }
  const cases: CaseResult[] = variants.map((v) => toCase(v.name, 'keepsake', tree, 'cold', ks.get(v.name)!));
  if (rc.length > 0) cases.push(toCase(CASES.rclone, 'rclone', tree, 'cold', rc));
  return {
    server: kind,
    cases,
    serverCpuSeconds: Object.fromEntries(cases.map((c) => [c.name, extra.get(c.median)?.serverCpu ?? null])),
    stored: Object.fromEntries(cases.map((c) => [c.name, extra.get(c.median)?.stored ?? null])),
    ...comparisonRatios(cases, CASES),
  };
}

let corpus: CorpusSummary | null = null;
let sweepCorpus: CorpusSummary | null = null;
const comparisons: ServerComparison[] = [];
const sweeps: SweepSection[] = [];
try {
  log('starting s3rver and azurite (the engine test harnesses)');
  servers = await CloudServers.start(repoRoot);

  if (settings.parts.includes('compare')) {
    const weddings = join(work, 'wedding', 'Weddings');
    mkdirSync(weddings, { recursive: true });
    log(`generating a ${settings.sizeGb} GB wedding in ${weddings}`);
    corpus = await generateWeddingCorpus(weddings, settings.sizeGb * 1e9);
    log(`  ${corpus.files} files, ${(corpus.bytes / 1e9).toFixed(2)} GB`);
    for (const kind of (['s3rver', 'azurite'] as const).filter((k) => settings.servers.includes(k)))
      comparisons.push(await compareOn(kind, servers, weddings, corpus));
    rmSync(join(work, 'wedding'), { recursive: true, force: true });
  }

  if (settings.parts.includes('sweep')) {
    const weddings = join(work, 'sweep', 'Weddings');
    mkdirSync(weddings, { recursive: true });
    log(`generating a ${settings.sweepGb} GB wedding for the sweep`);
    sweepCorpus = await generateWeddingCorpus(weddings, settings.sweepGb * 1e9);
    const list = writeFileList(listFiles(weddings), scratch);
    for (const [server, partsMiB, knobs] of [
      ['s3rver', settings.s3PartsMiB, 'S3Tuning { partSize, queueSize }'],
      ['azurite', settings.azureBlocksMiB, 'AzureOptions.upload { blockSize, parallel }'],
    ] as const) {
      if (!settings.servers.includes(server)) continue;
      log(
        `${server}: sweep of ${partsMiB.length * settings.inFlight.length} configurations, the default also first and last`,
      );
      const rows = await runSweep(
        repoRoot,
        servers,
        {
          server,
          partsMiB,
          inFlight: settings.inFlight,
          defaults: DEFAULTS,
          rounds: settings.sweepRounds,
          filesAtOnce: settings.filesAtOnce,
        },
        list,
        scratch,
        settings.timeoutMs,
        log,
        (sofar) => {
          const r = recommend(sofar, DEFAULTS, noiseOf(sofar), knobs);
          return r.keepDefault ? null : r;
        },
      );
      const noise = noiseOf(rows);
      sweeps.push({
        server,
        knobs,
        rows,
        noise,
        recommendation: recommend(rows, DEFAULTS, noise, knobs),
      });
    }
    rmSync(join(work, 'sweep'), { recursive: true, force: true });
  }
} finally {
  await cleanup();
}

const finishedAt = new Date();
notes.push(...busyNote(loadAverageStart));
const results: CloudResults = {
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  durationSeconds: (performance.now() - t0) / 1000,
  machine: machineInfo(loadAverageStart),
  settings: {
    sizeGb: settings.sizeGb,
    sweepGb: settings.sweepGb,
    sweepRounds: settings.sweepRounds,
    repeat: settings.repeat,
    parts: settings.parts,
    servers: settings.servers,
    filesAtOnce: settings.filesAtOnce,
    encrypted: settings.encrypted && hasEncryption,
    s3PartsMiB: settings.s3PartsMiB,
    azureBlocksMiB: settings.azureBlocksMiB,
    inFlight: settings.inFlight,
  },
  cachesDropped: cold.dropped,
  tools: {
    rclone: 'version' in rclone ? rclone.version : null,
    gnuTime: hasGnuTime(),
    keepsakeCommit,
    servers: `s3rver ${packageVersion('s3rver')}, azurite ${packageVersion('azurite')}`,
  },
  notes,
  corpus,
  comparisons,
  sweepCorpus,
  sweeps,
};

const text = renderCloudReport(results);
const resultsDir = join(repoRoot, 'bench', 'cloud', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
writeFileSync(join(resultsDir, 'latest.txt'), text + '\n');
console.log(text);
console.log(`\nJSON: ${join(resultsDir, 'latest.json')}`);
const failed =
  comparisons.some((c) => c.cases.some((k) => k.samples.some((s) => !s.ok))) ||
  sweeps.some((s) => s.rows.some((r) => r.samples.some((x) => !x.ok)));
process.exitCode = failed ? 1 : 0;
