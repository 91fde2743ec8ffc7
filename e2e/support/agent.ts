import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is e2e/support/agent.ts). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repoRoot, 'bin', 'keepsake.js');

/** A fresh temporary folder, removed by `cleanup()`. */
export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `keepsake-e2e-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Runs `keepsake --home HOME ARGS...` (the built CLI) to the end, with `input` on its standard input
 * (a secret for `--secret-stdin`); fails with its output when it fails.
 */
export function keepsake(home: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [bin, '--home', home, ...args],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`keepsake ${args.join(' ')} failed (${err.message}):\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(input);
  });
}

/**
 * Runs a command the UI showed (`keepsake folders add '/x/Weddings'`) as a user would paste it into
 * a terminal, against `home`.
 */
export function runShown(home: string, command: string): Promise<string> {
  if (!command.startsWith('keepsake ')) throw new Error(`not a keepsake command: ${command}`);
  const script = `keepsake() { "${process.execPath}" "${bin}" --home "$KEEPSAKE_E2E_HOME" "$@"; }\n${command}`;
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', script],
      { cwd: repoRoot, env: { ...process.env, KEEPSAKE_E2E_HOME: home } },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${command} failed:\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** A running headless agent (`keepsake run`): its URL, API secret and one-time login link. */
export interface Agent {
  url: string;
  port: number;
  secret: string;
  loginUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `keepsake run --port 0 --secret-file ...` on `home` and waits until it serves. */
export async function startAgent(home: string): Promise<Agent> {
  const secretFile = join(home, 'api.json');
  rmSync(secretFile, { force: true });
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, '--home', home, 'run', '--port', '0', '--secret-file', secretFile],
    {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  let loginUrl: string | undefined;
  while (!(loginUrl && existsSync(secretFile))) {
    if (child.exitCode !== null) throw new Error(`keepsake run exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`keepsake run did not start within 30 s:\n${out}`);
    }
    loginUrl = /open (http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+)/.exec(out)?.[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  const { url, secret } = JSON.parse(readFileSync(secretFile, 'utf8')) as { url: string; secret: string };
  return {
    url,
    port: Number(new URL(url).port),
    secret,
    loginUrl,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A raw HTTP request to the agent, with exactly the headers given (Host included). */
export function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { Host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A JSON API call with the secret as a Bearer token (how programs use the API). */
export async function apiGet<T>(agent: Agent, path: string): Promise<T> {
  const r = await raw(agent.port, { path, headers: { Authorization: `Bearer ${agent.secret}` } });
  if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status} ${r.body}`);
  return JSON.parse(r.body) as T;
}

/** Waits until `check` returns a value (not undefined), polling; fails with the last error after `ms`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
