#!/usr/bin/env node
// `npm start`: runs Keepsake's desktop app when Electron's binary is installed, and otherwise the same
// agent headless (`keepsake start`), whose window is a page in the browser at the URL it prints.
// Plain JavaScript, so it runs before anything is built; both paths need `npm run build` first.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '');
const args = process.argv.slice(2);

/** Electron's binary as `{ path }` when it is installed, else `{ why }` it is not. */
function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when its download never ran.
    const path = createRequire(import.meta.url)('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { why: `its binary is not at ${path}` };
  } catch (err) {
    return { why: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

/** Runs `command`, passing on the signals that stop it, and exits as it exits. */
function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', env, cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (err) => {
    console.error(`keepsake: could not start ${command}: ${err.message}`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + signalNumber(signal) : 1)));
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 0;
}

const electron = electronBinary();
if (electron.path) {
  if (!existsSync(join(root, 'dist', 'main', 'app', 'main.js'))) {
    console.error('keepsake: the desktop app is not built yet: run `npm run build` first.');
    process.exit(2);
  }
  console.log('Starting the Keepsake desktop app...');
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node.js
  run(electron.path, [root, ...args], env);
} else {
  console.log(`Electron is not installed (${electron.why}),`);
  console.log(
    'so Keepsake runs headless: the same agent, with its window in your browser at the link below.',
  );
  console.log('For the desktop app, see docs/DESKTOP.md ("Getting Electron").');
  run(process.execPath, [join(root, 'bin', 'keepsake.js'), 'start', ...args]);
}
