/**
 * The tools Keepsake is compared with in the same run: `cp -r` and `rclone copy` / `rclone check`,
 * plus the setup they need (rclone from Debian's apt when missing, the Keepsake build when missing).
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

/**
 * Finds rclone, installing Debian's package with apt-get when it is missing and we are root.
 * Returns its path and version, or why it is unavailable (the rclone rows are then left out).
 */
export function ensureRclone(
  log: (s: string) => void,
): { path: string; version: string } | { missing: string } {
  let path = which('rclone');
  if (!path && process.getuid?.() === 0) {
    log('rclone is not installed: apt-get install -y rclone');
    const install = () =>
      spawnSync('apt-get', ['install', '-y', 'rclone'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    if (install().status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit' });
      install();
    }
    path = which('rclone');
  }
  if (!path)
    return { missing: 'rclone is not installed and could not be installed (apt-get install rclone)' };
  const v = spawnSync(path, ['version'], { encoding: 'utf8', env: rcloneEnv() });
  return { path, version: (v.stdout.split('\n')[0] ?? '').trim() };
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
