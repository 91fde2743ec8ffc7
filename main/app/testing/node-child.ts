// Test support: the engine's process as a Node child process in place of Electron's utilityProcess,
// running the real engine-host and the real engine CLI (compiled from the current source).
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliNodeArgs } from '../../engine/testing/cli.js';
import type { EngineChild, ForkEngine } from '../engine-process.js';

/** The engine-host source; tsx runs it as the utility process would run its build. */
export const hostSource = join(dirname(fileURLToPath(import.meta.url)), '..', 'engine-host.ts');

/** A `ForkEngine` that starts a Node child process (with an IPC channel, like utilityProcess's parentPort). */
export const forkNode =
  (execArgv: string[]): ForkEngine =>
  (modulePath, args, options) => {
    const child = fork(modulePath, args, {
      env: options.env,
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const events = new EventEmitter();
    child.on('exit', (code, signal) =>
      events.emit('exit', code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)),
    );
    child.on('message', (m) => events.emit('message', m));
    child.on('error', () => undefined);
    const adapted = {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (message: unknown) => {
        if (child.connected) child.send(message as object);
      },
      kill: () => child.kill('SIGTERM'),
      on(event: string, listener: (...a: never[]) => void) {
        events.on(event, listener as (...a: unknown[]) => void);
        return adapted;
      },
    };
    return adapted as EngineChild;
  };

/** What to fork: the engine-host and the engine CLI, and the Node arguments that run them. */
export interface EngineBuild {
  hostPath: string;
  cliPath: string;
  fork: ForkEngine;
}

/**
 * The engine-host and the engine CLI built from the current source: esbuild bundles next to the CLI's
 * (see main/engine/testing/cli.ts), or the sources through tsx when esbuild cannot be loaded.
 */
export async function engineBuild(): Promise<EngineBuild> {
  const cli = await cliNodeArgs();
  const cliPath = cli.at(-1)!;
  if (cli.length > 1) return { hostPath: hostSource, cliPath, fork: forkNode(['--import', 'tsx']) };
  const hostPath = join(dirname(cliPath), 'engine-host.mjs');
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [hostSource],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: hostPath,
    logLevel: 'silent',
  });
  return { hostPath, cliPath, fork: forkNode([]) };
}
