/**
 * Keepsake engine benchmark (`npm run bench`): backs up a generated wedding with `keepsake backup
 * --once` against `cp -r` and `rclone copy` on the same disk with cold caches, measures reads per
 * byte and peak memory, and times a no-change rescan of many small files against rclone. Prints a
 * table and writes bench/results/latest.json. bench/README.md explains the settings and numbers.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freemem, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sumSamples, toCase, toSample, type CaseResult, type Sample } from './cases.js';
import { generateSmallFiles, generateWeddingCorpus, treeSize, type CorpusSummary } from './corpus.js';
import { KeepsakeHome, childEnv, type KeepsakeRun } from './keepsake.js';
import { dropCaches, hasGnuTime, killRunning, timedSync, type Measured } from './measure.js';
import {
  cpCopy,
  ensureBuilt,
  ensureRclone,
  requirePeer,
  ensureRestic,
  rcloneCheck,
  rcloneCopy,
  resticBackup,
  resticInit,
  warmProgram,
} from './peers.js';
import { renderReport } from './report.js';
import {
  CASE,
  backupRatios,
  memoryRows,
  rescanRatios,
  type BackupSection,
  type RescanSection,
  type Results,
} from './results.js';
import {
  busyNote,
  ColdStarts,
  keepsakeCommit as keepsakeCommitOf,
  machineInfo,
  numberEnv,
} from './run-info.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const settings = {
  sizeGb: numberEnv('BENCH_SIZE_GB', 2),
  smallFiles: Math.round(numberEnv('BENCH_SMALL_FILES', 100_000)),
  smallFolders: Math.round(numberEnv('BENCH_SMALL_FOLDERS', 200)),
  smallBatch: Math.round(numberEnv('BENCH_SMALL_BATCH', 10_000)),
  repeat: Math.round(numberEnv('BENCH_REPEAT', 1)),
  timeoutMs: numberEnv('BENCH_TIMEOUT_MIN', 180) * 60_000,
  parts: (process.env.BENCH_PARTS ?? 'backup,rescan').split(',').map((s) => s.trim()),
  keep: process.env.BENCH_KEEP === '1',
  build: process.env.BENCH_BUILD === '1',
  baseDir: resolve(process.env.BENCH_DIR ?? tmpdir()),
};

const t0 = performance.now();
const log = (s: string) =>
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${s}\n`);

const notes: string[] = [];
const cold = new ColdStarts(dropCaches, notes, 'every run is on a warm cache, read_bytes will be low');
/** Drops the page cache, then reloads the program about to run so only the data is cold. */
const coldStart = (warm: () => void) => cold.run(warm);

const cli = KeepsakeHome.cliPath(repoRoot);
const probe = join(repoRoot, 'bench', 'io-probe.mjs');
const warmKeepsake = () => {
  spawnSync(process.execPath, ['--import', probe, cli, '--help'], { stdio: 'ignore', env: childEnv() });
  if (hasGnuTime()) warmProgram('/usr/bin/time', ['-o', '/dev/null', 'true']);
};
const warmCp = () => warmProgram('cp', ['--version']);

// ---------------------------------------------------------------------------------------------------
const built = ensureBuilt(repoRoot, settings.build, log);
if (built) notes.push(built);
const rclone = ensureRclone(log);
const rclonePath = 'path' in rclone ? rclone.path : null;
requirePeer(rclone);
const warmRclone = () => rclonePath && warmProgram(rclonePath, ['version']);
const restic = ensureRestic(log);
const resticPath = 'path' in restic ? restic.path : null;
requirePeer(restic);
const warmRestic = () => resticPath && warmProgram(resticPath, ['version']);
if (!hasGnuTime())
  notes.push('/usr/bin/time not found: peak memory and disk reads polled from /proc every 50 ms');

mkdirSync(settings.baseDir, { recursive: true });
const work = mkdtempSync(join(settings.baseDir, 'keepsake-bench-'));
const scratch = join(work, 'scratch');
mkdirSync(scratch);
const cleanup = () => {
  if (settings.keep) log(`kept ${work} (BENCH_KEEP=1)`);
  else rmSync(work, { recursive: true, force: true });
};
let backup: BackupSection | null = null;
let rescan: RescanSection | null = null;
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    // npm and tsx pass a signal on to this process more than once: the first one is acted upon.
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping the running child and removing ${work}`);
    killRunning();
    try {
      notes.push(`interrupted by ${sig}: only the sections finished before it are reported`);
      writeResults();
      log(`results of the finished sections: ${join(resultsDir, 'latest.json')}`);
    } catch {
      // interrupted before anything was measured
    }
    cleanup();
    process.exit(130);
  });
}
log(`working in ${work}`);

const startedAt = new Date();
const loadAverageStart = loadavg();
const cpVersion = (spawnSync('cp', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'cp').trim();
const filesystem = (() => {
  const r = spawnSync('df', ['--output=fstype,source', work], { encoding: 'utf8' });
  return (r.stdout.trim().split('\n')[1] ?? 'unknown').trim().replace(/\s+/, ' on ');
})();
const keepsakeCommit = keepsakeCommitOf(repoRoot);

/** Runs `samples` of a case, each in a fresh folder, and removes what it wrote afterwards. */
async function runCase(
  name: string,
  tool: CaseResult['tool'],
  tree: { bytes: number; files: number },
  cache: CaseResult['cache'],
  sample: (dir: string) => Promise<Sample>,
  opts: { repeat?: number } = {},
): Promise<CaseResult> {
  const samples: Sample[] = [];
  for (let i = 0; i < (opts.repeat ?? settings.repeat); i++) {
    const dir = join(work, `${tool}-${samples.length}-${Math.random().toString(36).slice(2, 8)}`);
    mkdirSync(dir);
    log(`${name} (${cache}${settings.repeat > 1 ? `, sample ${i + 1}` : ''})`);
    const s = await sample(dir);
    log(
      `  ${s.ok ? 'ok' : `FAILED: ${s.problem}`}: ${s.seconds.toFixed(2)} s + sync ${s.syncSeconds.toFixed(2)} s`,
    );
    samples.push(s);
    rmSync(dir, { recursive: true, force: true });
  }
  return toCase(name, tool, tree, cache, samples);
}

/** Keepsake must exit with every file protected, `expectFiles` indexed and `expectProcessed` processed. */
const keepsakeCheck =
  (expectFiles: number, expectProcessed: number) =>
  (m: Measured | KeepsakeRun): string | null => {
    const r = 'report' in m ? m.report : null;
    if (!r) return `no --json report on stdout: ${m.stdout.slice(0, 200)}`;
    if (!r.allProtected) return 'not every file is protected after the run';
    if (r.files !== expectFiles) return `index holds ${r.files} files, the tree ${expectFiles}`;
    if (r.filesProcessed !== expectProcessed)
      return expectProcessed === 0
        ? `a no-change run processed ${r.filesProcessed} file(s)`
        : `processed ${r.filesProcessed} files, expected ${expectProcessed}`;
    return null;
  };
/** A copy made by cp or rclone must hold exactly the tree's files and bytes. */
const copied = (dst: string, tree: { files: number; bytes: number }) => (): string | null => {
  const got = treeSize(dst);
  return got.files === tree.files && got.bytes === tree.bytes
    ? null
    : `the copy holds ${got.files} files / ${got.bytes} bytes, the tree ${tree.files} / ${tree.bytes}`;
};
const exitOk = () => null;

/** Case 1 and 2: the wedding backed up by cp, rclone and Keepsake with one and two vaults. */
async function backupSection(): Promise<BackupSection> {
  const tg = performance.now();
  const weddings = join(work, 'wedding', 'Weddings');
  mkdirSync(weddings, { recursive: true });
  log(`generating a ${settings.sizeGb} GB wedding in ${weddings}`);
  const corpus = await generateWeddingCorpus(weddings, settings.sizeGb * 1e9);
  const generateSeconds = (performance.now() - tg) / 1000;
  log(`  ${corpus.files} files, ${(corpus.bytes / 1e9).toFixed(2)} GB in ${generateSeconds.toFixed(0)} s`);
  const tree = { bytes: corpus.bytes, files: corpus.files };
  const cases: CaseResult[] = [];

  cases.push(
    await runCase(CASE.cp, 'cp', tree, 'cold', async (dir) => {
      coldStart(warmCp);
      const m = await cpCopy(weddings, join(dir, 'copy'), scratch, settings.timeoutMs);
      return toSample(m, timedSync(), copied(join(dir, 'copy'), tree));
    }),
  );
  if (rclonePath) {
    cases.push(
      await runCase(CASE.rclone, 'rclone', tree, 'cold', async (dir) => {
        coldStart(warmRclone);
        const m = await rcloneCopy(rclonePath, weddings, join(dir, 'copy'), scratch, settings.timeoutMs);
        return toSample(m, timedSync(), copied(join(dir, 'copy'), tree));
      }),
    );
  }
  if (resticPath) {
    cases.push(
      await runCase(CASE.restic, 'restic', tree, 'cold', async (dir) => {
        resticInit(resticPath, join(dir, 'repo'), scratch);
        coldStart(warmRestic);
        const m = await resticBackup(resticPath, weddings, join(dir, 'repo'), scratch, settings.timeoutMs);
        return toSample(m, timedSync(), exitOk);
      }),
    );
  }
  for (const [name, vaults] of [
    [CASE.ks1, 1],
    [CASE.ks2, 2],
  ] as const) {
    cases.push(
      await runCase(name, 'keepsake', tree, 'cold', async (dir) => {
        const vaultDirs = Array.from({ length: vaults }, (_, i) => join(dir, `vault${i + 1}`));
        const home = KeepsakeHome.create(repoRoot, join(dir, 'home'), weddings, vaultDirs);
        coldStart(warmKeepsake);
        const m = await home.backup(scratch, settings.timeoutMs);
        return toSample(m, timedSync(), keepsakeCheck(corpus.files, corpus.files));
      }),
    );
  }
  rmSync(join(work, 'wedding'), { recursive: true, force: true });
  return { corpus, generateSeconds, cases, ratios: backupRatios(cases) };
}

/** Case 3: first backup of many small files, then no-change reruns, cold and warm. */
async function rescanSection(): Promise<RescanSection> {
  const weddings = join(work, 'small', 'Weddings');
  mkdirSync(weddings, { recursive: true });
  const state = join(work, 'small-state');
  mkdirSync(state);
  const home = KeepsakeHome.create(repoRoot, join(state, 'home'), weddings, [join(state, 'vault')]);
  const rcloneDst = join(state, 'rclone');
  const resticRepo = join(state, 'restic');

  // The first backup is made in batches of new files (as cards come in), each a cold `backup --once`.
  const corpus: CorpusSummary = { root: weddings, files: 0, bytes: 0, byKind: {}, generator: '' };
  const batches: Sample[] = [];
  let generateSeconds = 0;
  const { smallFiles: total, smallBatch: batch } = settings;
  for (let from = 0; from < total; from += batch) {
    const to = Math.min(total, from + batch);
    const tg = performance.now();
    const part = await generateSmallFiles(weddings, { from, to, folders: settings.smallFolders });
    generateSeconds += (performance.now() - tg) / 1000;
    corpus.files += part.files;
    corpus.bytes += part.bytes;
    corpus.generator = part.generator;
    for (const [kind, v] of Object.entries(part.byKind)) {
      const k = (corpus.byKind[kind] ??= { files: 0, bytes: 0 });
      k.files += v.files;
      k.bytes += v.bytes;
    }
    if (batches.some((s) => !s.ok)) continue;
    log(`${CASE.ksInitial}: files ${from + 1}-${to} of ${total} (cold)`);
    coldStart(warmKeepsake);
    const m = await home.backup(scratch, settings.timeoutMs);
    const s = toSample(m, timedSync(), keepsakeCheck(to, to - from));
    log(
      `  ${s.ok ? 'ok' : `FAILED: ${s.problem}`}: ${s.seconds.toFixed(2)} s + sync ${s.syncSeconds.toFixed(2)} s`,
    );
    batches.push(s);
  }
  log(`  generated ${corpus.files} small files in ${generateSeconds.toFixed(0)} s`);
  const tree = { bytes: corpus.bytes, files: corpus.files };
  const initial: CaseResult[] = [toCase(CASE.ksInitial, 'keepsake', tree, 'cold', [sumSamples(batches)])];
  if (rclonePath) {
    initial.push(
      await runCase(
        CASE.rcloneInitial,
        'rclone',
        tree,
        'cold',
        async () => {
          coldStart(warmRclone);
          const m = await rcloneCopy(rclonePath, weddings, rcloneDst, scratch, settings.timeoutMs);
          return toSample(m, timedSync(), copied(rcloneDst, tree));
        },
        { repeat: 1 },
      ),
    );
  }

  if (resticPath) {
    resticInit(resticPath, resticRepo, scratch);
    initial.push(
      await runCase(
        CASE.resticInitial,
        'restic',
        tree,
        'cold',
        async () => {
          coldStart(warmRestic);
          const m = await resticBackup(resticPath, weddings, resticRepo, scratch, settings.timeoutMs);
          return toSample(m, timedSync(), exitOk);
        },
        { repeat: 1 },
      ),
    );
  }

  const rescans: CaseResult[] = [];
  const keepsakeInitialOk = initial[0]!.samples.every((s) => s.ok);
  for (const cache of ['cold', 'warm'] as const) {
    /** Cold: drop caches first. Warm: an unmeasured run of the same command just before. */
    const prepare = async (warm: () => void, warmUp: () => Promise<unknown>) => {
      if (cache === 'cold') coldStart(warm);
      else await warmUp();
    };
    if (keepsakeInitialOk) {
      rescans.push(
        await runCase(CASE.ksRescan, 'keepsake', tree, cache, async () => {
          await prepare(warmKeepsake, () => home.backup(scratch, settings.timeoutMs));
          const m = await home.backup(scratch, settings.timeoutMs);
          return toSample(m, timedSync(), keepsakeCheck(corpus.files, 0));
        }),
      );
    }
    if (resticPath) {
      rescans.push(
        await runCase(CASE.resticRerun, 'restic', tree, cache, async () => {
          const run = () => resticBackup(resticPath, weddings, resticRepo, scratch, settings.timeoutMs);
          await prepare(warmRestic, run);
          return toSample(await run(), timedSync(), exitOk);
        }),
      );
    }
    if (rclonePath) {
      rescans.push(
        await runCase(CASE.rcloneRerun, 'rclone', tree, cache, async () => {
          const run = () => rcloneCopy(rclonePath, weddings, rcloneDst, scratch, settings.timeoutMs);
          await prepare(warmRclone, run);
          return toSample(await run(), timedSync(), exitOk);
        }),
        await runCase(CASE.rcloneCheck, 'rclone', tree, cache, async () => {
          const run = () => rcloneCheck(rclonePath, weddings, rcloneDst, scratch, settings.timeoutMs);
          await prepare(warmRclone, run);
          return toSample(await run(), timedSync(), exitOk);
        }),
      );
    }
  }
  rmSync(join(work, 'small'), { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
  return {
    corpus,
    generateSeconds,
    batchSize: batch,
    initialBatches: batches,
    initial,
    rescans,
    ratios: rescanRatios(initial, rescans),
  };
}

const resultsDir = join(repoRoot, 'bench', 'results');

/** The results so far: written after each section, so an interrupted run keeps what it measured. */
function writeResults(): string {
  const notesNow = [...notes];
  notesNow.push(...busyNote(loadAverageStart));
  if (freemem() < 2e9) notesNow.push(`little free memory at the end (${(freemem() / 1e9).toFixed(1)} GB)`);
  const results: Results = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: (performance.now() - t0) / 1000,
    machine: machineInfo(loadAverageStart, filesystem),
    settings: {
      sizeGb: settings.sizeGb,
      smallFiles: settings.smallFiles,
      smallFolders: settings.smallFolders,
      smallBatch: settings.smallBatch,
      repeat: settings.repeat,
      parts: settings.parts,
      benchDir: settings.baseDir,
    },
    cachesDropped: cold.dropped,
    tools: {
      rclone: 'version' in rclone ? rclone.version : null,
      restic: 'version' in restic ? restic.version : null,
      cp: cpVersion,
      gnuTime: hasGnuTime(),
      keepsakeCommit,
    },
    notes: notesNow,
    backup,
    rescan,
    memory: memoryRows(backup, rescan),
  };
  const text = renderReport(results);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(resultsDir, 'latest.txt'), text + '\n');
  return text;
}

try {
  if (settings.parts.includes('backup')) {
    backup = await backupSection();
    writeResults();
  }
  if (settings.parts.includes('rescan')) rescan = await rescanSection();
} finally {
  cleanup();
}

console.log(writeResults());
console.log(`\nJSON summary: ${join(resultsDir, 'latest.json')}`);
const failed = [...(backup?.cases ?? []), ...(rescan?.initial ?? []), ...(rescan?.rescans ?? [])].some((c) =>
  c.samples.some((s) => !s.ok),
);
process.exitCode = failed ? 1 : 0;
