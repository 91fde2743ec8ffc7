/**
 * The tools Keepsake is compared with in the same run: `cp -r`, `rclone copy` / `rclone check` and
 * `restic backup`, plus the setup they need (rclone and restic from Debian's apt when missing, the
 * Keepsake build when missing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, type Measured } from './measure.js';

/** The environment rclone runs in: AWS_CA_BUNDLE breaks rclone here, so it is removed. */
function rcloneEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AWS_CA_BUNDLE;
  delete env.NODE_OPTIONS;
  return env;
}

const which = (cmd: string): string | null => {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

/** A peer tool found on this machine, or why it is unavailable. */
export type Peer = { path: string; version: string } | { missing: string };

/**
 * Ends the benchmark, before anything is measured, when a peer is missing: a figure without its
 * peer measured in the same run proves nothing, so a run without one must not exit 0.
 */
export function requirePeer(peer: Peer): void {
  if (!('missing' in peer)) return;
  process.stderr.write(`bench: ${peer.missing}: install it and run the benchmark again.\n`);
  process.exit(1);
}

/** Finds a Debian-packaged tool, installing it with apt-get when it is missing and we are root. */
function ensurePackage(name: string, versionArgs: string[], log: (s: string) => void): Peer {
  let path = which(name);
  if (!path && process.getuid?.() === 0) {
    log(`${name} is not installed: apt-get install -y ${name}`);
    const install = () =>
      spawnSync('apt-get', ['install', '-y', name], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    if (install().status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit' });
      install();
    }
    path = which(name);
  }
  if (!path)
    return { missing: `${name} is not installed and could not be installed (apt-get install ${name})` };
  const v = spawnSync(path, versionArgs, { encoding: 'utf8', env: rcloneEnv() });
  return { path, version: (v.stdout.split('\n')[0] ?? '').trim() };
}

/** Finds rclone (Debian's package when missing). */
export function ensureRclone(log: (s: string) => void): Peer {
  return ensurePackage('rclone', ['version'], log);
}

/** Finds restic (Debian's package when missing). */
export function ensureRestic(log: (s: string) => void): Peer {
  return ensurePackage('restic', ['version'], log);
}

/** Newest modification time of the engine's sources (main/, shared/; tests and test helpers aside). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'testing' && e.name !== 'node_modules') newest = Math.max(newest, newestSource(full));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

/**
 * Runs `npm run build` when the compiled CLI is missing, older than the engine's sources, or when
 * `force` (BENCH_BUILD=1); throws if there is still no CLI. Returns a note when something is off.
 */
export function ensureBuilt(repoRoot: string, force: boolean, log: (s: string) => void): string | null {
  const cli = join(repoRoot, 'dist', 'main', 'engine', 'cli', 'main.js');
  const stale =
    existsSync(cli) &&
    Math.max(newestSource(join(repoRoot, 'main')), newestSource(join(repoRoot, 'shared'))) >
      statSync(cli).mtimeMs;
  if (existsSync(cli) && !stale && !force) return null;
  log(
    `building Keepsake (${!existsSync(cli) ? 'no dist/' : stale ? 'dist/ older than the sources' : 'BENCH_BUILD=1'}): npm run build`,
  );
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status === 0) return null;
  if (!existsSync(cli)) throw new Error('npm run build failed and dist/ has no CLI: cannot benchmark');
  log('warning: npm run build reported errors; benchmarking the files it emitted');
  return 'npm run build reported type errors: the benchmark ran the JavaScript tsc emitted anyway';
}

/** `cp -r SRC DST` (DST must not exist). */
export function cpCopy(src: string, dst: string, scratch: string, timeoutMs: number): Promise<Measured> {
  return measure('cp', ['-r', src, dst], { scratch, timeoutMs });
}

/** An empty rclone config so rclone neither looks for nor writes the user's. */
function rcloneConfig(scratch: string): string {
  const file = join(scratch, 'rclone.conf');
  if (!existsSync(file)) writeFileSync(file, '');
  return file;
}

/** `rclone copy SRC DST` with rclone's defaults (4 transfers, 8 checkers, size+modtime comparison). */
export function rcloneCopy(
  rclone: string,
  src: string,
  dst: string,
  scratch: string,
  timeoutMs: number,
): Promise<Measured> {
  return measure(rclone, ['copy', '--config', rcloneConfig(scratch), src, dst], {
    scratch,
    timeoutMs,
    env: rcloneEnv(),
  });
}

/** `rclone check --size-only SRC DST`: lists both trees and compares sizes, reading no content. */
export function rcloneCheck(
  rclone: string,
  src: string,
  dst: string,
  scratch: string,
  timeoutMs: number,
): Promise<Measured> {
  return measure(rclone, ['check', '--size-only', '--config', rcloneConfig(scratch), src, dst], {
    scratch,
    timeoutMs,
    env: rcloneEnv(),
  });
}

/** Loads a tool's binary and libraries into the cache after a drop, so only the data is cold. */
export function warmProgram(cmd: string, args: string[]): void {
  spawnSync(cmd, args, { stdio: 'ignore', env: rcloneEnv() });
}

/** restic's environment: a fixed password (the benchmark measures work, not secrecy), no cache dir in $HOME. */
function resticEnv(repo: string, scratch: string): NodeJS.ProcessEnv {
  return {
    ...rcloneEnv(),
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: 'keepsake-bench',
    RESTIC_CACHE_DIR: join(scratch, 'restic-cache'),
  };
}

/** `restic init` of a new repository (not measured: Keepsake's vault setup is not measured either). */
export function resticInit(restic: string, repo: string, scratch: string): void {
  const r = spawnSync(restic, ['init', '--quiet'], { env: resticEnv(repo, scratch), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`restic init failed: ${r.stderr.trim()}`);
}

/** `restic backup SRC` into an initialised repository, with restic's defaults (content-defined chunks, packs). */
export function resticBackup(
  restic: string,
  src: string,
  repo: string,
  scratch: string,
  timeoutMs: number,
): Promise<Measured> {
  return measure(restic, ['backup', '--quiet', src], {
    scratch,
    timeoutMs,
    env: resticEnv(repo, scratch),
  });
}
