import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `npm start` (scripts/start.mjs) on a machine without Electron's binary: it runs the agent headless
// from the build in dist/ (`npm test` builds first) and prints the window's URL.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const base = mkdtempSync(join(tmpdir(), 'keepsake-start-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** GET `url` with the Host header the engine expects; resolves with status and headers. */
function get(url: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { Host: u.host } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('npm start without Electron', () => {
  it('runs the agent headless, says so, prints the URL, and stops cleanly on SIGTERM', async () => {
    expect(
      existsSync(join(root, 'dist', 'main', 'engine', 'cli', 'main.js')),
      'run `npm run build` first',
    ).toBe(true);
    const noElectron = join(base, 'no-electron');
    mkdirSync(noElectron);
    const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
      cwd: root,
      // Electron's package looks for its binary here: an empty folder, as on a machine without it.
      env: { ...process.env, KEEPSAKE_HOME: join(base, 'home'), ELECTRON_OVERRIDE_DIST_PATH: noElectron },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${output}`)), 60_000);
        const look = () => {
          const m = /Keepsake's window: open (http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+)/.exec(output);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', look);
        void exited.then((code) =>
          reject(new Error(`exited with ${code} before printing the URL:\n${output}`)),
        );
      });
      expect(output).toContain('Electron is not installed');
      expect(output).toContain('so Keepsake runs headless');
      expect(output).toContain(`Welcome to Keepsake. Set up in ${join(base, 'home')}`);
      // The printed link logs a browser in: a session cookie and a redirect to the UI.
      const login = await get(url);
      expect(login.status).toBe(303);
      expect(String(login.headers['set-cookie'])).toMatch(/^keepsake_session=/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped cleanly.');
  });
});

describe('npm start with Electron', () => {
  it.runIf(process.platform !== 'win32')('launches the desktop app on the repository', () => {
    // A copy of the repository's layout: the script, a built main.js, the real electron package whose
    // binary is a stand-in script that prints what it was started with.
    const repo = join(base, 'repo');
    mkdirSync(join(repo, 'scripts'), { recursive: true });
    mkdirSync(join(repo, 'dist', 'main', 'app'), { recursive: true });
    mkdirSync(join(repo, 'node_modules'));
    copyFileSync(join(root, 'scripts', 'start.mjs'), join(repo, 'scripts', 'start.mjs'));
    writeFileSync(join(repo, 'dist', 'main', 'app', 'main.js'), '');
    symlinkSync(join(root, 'node_modules', 'electron'), join(repo, 'node_modules', 'electron'));
    const dist = join(base, 'electron-dist');
    mkdirSync(dist);
    writeFileSync(
      join(dist, 'electron'),
      '#!/bin/sh\necho "electron started with: $* (run as node: ${ELECTRON_RUN_AS_NODE:-no})"\nexit 0\n',
    );
    chmodSync(join(dist, 'electron'), 0o755);
    const out = execFileSync(process.execPath, [join(repo, 'scripts', 'start.mjs'), '--hidden'], {
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_RUN_AS_NODE: '1' },
      encoding: 'utf8',
    });
    expect(out).toContain('Starting the Keepsake desktop app...');
    expect(out).toContain(`electron started with: ${repo} --hidden (run as node: no)`);
  });
});
