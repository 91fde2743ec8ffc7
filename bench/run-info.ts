/** What a benchmark run reads about itself: its numeric settings and the Keepsake code it measures. */
import { execFileSync } from 'node:child_process';

/** The positive number in environment variable `name`, or `fallback` when it is unset or empty. */
export function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return v;
}

/**
 * The short commit of the checkout at `repoRoot`, with `+uncommitted changes` when main/ or shared/
 * differ from it (the numbers then belong to no commit); `unknown` without git.
 */
export function keepsakeCommit(repoRoot: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      ['--no-optional-locks', 'status', '--porcelain', '--', 'main', 'shared'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    ).trim();
    return dirty ? `${head}+uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}
