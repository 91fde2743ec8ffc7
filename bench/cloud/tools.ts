/**
 * The two uploaders compared on each emulator: Keepsake's CLI (`backup --once` to a cloud destination
 * added with `destinations add s3|azure --secret-stdin`) and `rclone copy` to the same server, both
 * measured as child processes by bench/measure.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeepsakeHome, childEnv } from '../keepsake.js';
import { measure, type Measured } from '../measure.js';
import { S3RVER_KEY, rcloneRemote, type Target } from './servers.js';

/** The passphrase of the benchmark's encrypted destinations (given as KEEPSAKE_PASSPHRASE). */
const BENCH_PASSPHRASE = 'keepsake cloud benchmark passphrase';

/**
 * Whether this build's `destinations add` has `--encrypt/--no-encrypt` (cloud destinations encrypt
 * by default there); an older build stores every destination unencrypted and has neither.
 */
export function cliHasEncryption(repoRoot: string): boolean {
  const r = spawnSync(
    process.execPath,
    [KeepsakeHome.cliPath(repoRoot), 'destinations', 'add', 's3', '--help'],
    { cwd: repoRoot, env: childEnv(), encoding: 'utf8' },
  );
  return r.stdout.includes('--no-encrypt');
}

/**
 * A fresh Keepsake home watching `weddingsRoot` with one cloud destination `cloud` on `t`, set up
 * through the CLI exactly as a user would (the secret goes in on standard input). `encrypt`: true
 * or false passes `--encrypt` (with KEEPSAKE_PASSPHRASE) or `--no-encrypt`; null passes neither.
 */
export function keepsakeHomeFor(
  repoRoot: string,
  home: string,
  weddingsRoot: string,
  t: Target,
  encrypt: boolean | null,
): KeepsakeHome {
  const h = KeepsakeHome.create(repoRoot, home, weddingsRoot, []);
  const args =
    t.kind === 's3rver'
      ? [
          's3',
          'cloud',
          '--bucket',
          t.bucket,
          '--endpoint',
          t.endpoint,
          '--region',
          'us-east-1',
          '--access-key-id',
          S3RVER_KEY.accessKeyId,
        ]
      : [
          'azure',
          'cloud',
          '--container',
          t.bucket,
          '--endpoint',
          t.endpoint,
          '--account-name',
          t.account ?? '',
          '--auth',
          'account-key',
        ];
  if (encrypt !== null) args.push(encrypt ? '--encrypt' : '--no-encrypt');
  execFileSync(
    process.execPath,
    [KeepsakeHome.cliPath(repoRoot), '--home', home, 'destinations', 'add', ...args, '--secret-stdin'],
    {
      cwd: repoRoot,
      env: { ...childEnv(), ...(encrypt ? { KEEPSAKE_PASSPHRASE: BENCH_PASSPHRASE } : {}) },
      input: `${t.secret}\n`,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  return h;
}

/** The environment rclone runs in: its remotes, without AWS_CA_BUNDLE (it breaks rclone here). */
function rcloneEnv(t: Target): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...rcloneRemote(t).env };
  delete env.AWS_CA_BUNDLE;
  delete env.NODE_OPTIONS;
  return env;
}

/** An empty rclone config file so rclone neither reads nor writes the user's. */
function emptyConfig(scratch: string): string {
  const file = join(scratch, 'rclone-cloud.conf');
  if (!existsSync(file)) writeFileSync(file, '');
  return file;
}

/** `rclone copy SRC REMOTE:bucket` with rclone's defaults, measured. */
export function rcloneCopyTo(
  rclone: string,
  src: string,
  t: Target,
  scratch: string,
  timeoutMs: number,
): Promise<Measured> {
  return measure(rclone, ['copy', '--config', emptyConfig(scratch), src, rcloneRemote(t).remote], {
    scratch,
    timeoutMs,
    env: rcloneEnv(t),
  });
}

/** Objects and bytes in a bucket or container, listed by `rclone size --json` (an independent check). */
export function storedSize(
  rclone: string,
  t: Target,
  scratch: string,
): { count: number; bytes: number } | { error: string } {
  const r = spawnSync(rclone, ['size', '--json', '--config', emptyConfig(scratch), rcloneRemote(t).remote], {
    encoding: 'utf8',
    env: rcloneEnv(t),
  });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ') };
  try {
    const j = JSON.parse(r.stdout) as { count: number; bytes: number };
    return { count: j.count, bytes: j.bytes };
  } catch {
    return { error: `rclone size printed no JSON: ${r.stdout.slice(0, 200)}` };
  }
}
