/**
 * Drives the real Keepsake CLI for the benchmark: sets up a home (watched folder, local vaults) and
 * runs `backup --once --json` as a child process under the io probe, so its own reads and memory count.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { measure, type Measured } from './measure.js';

/** One `keepsake backup --once` run, measured. */
export interface KeepsakeRun extends Measured {
  /** From the io probe: the CLI process's own /proc/self/io at exit. */
  io: { readBytes: number; rchar: number; writeBytes: number; wchar: number } | null;
  /** VmHWM of the CLI process at exit, bytes. */
  vmHwmBytes: number | null;
  /** From `--json`: files processed, bytes read by the pipeline, the engine's own seconds. */
  report: {
    filesProcessed: number;
    bytesRead: number;
    engineSeconds: number;
    allProtected: boolean;
    files: number;
  } | null;
}

/** A Keepsake home made for one benchmark case. */
export class KeepsakeHome {
  private constructor(
    readonly repoRoot: string,
    readonly home: string,
  ) {}

  static cliPath(repoRoot: string): string {
    return join(repoRoot, 'bin', 'keepsake.js');
  }

  /** `init`, `folders add` (a weddings folder) and `destinations add local` for each vault. */
  static create(repoRoot: string, home: string, weddingsRoot: string, vaults: string[]): KeepsakeHome {
    mkdirSync(home, { recursive: true });
    const h = new KeepsakeHome(repoRoot, home);
    h.cli('init');
    h.cli('folders', 'add', weddingsRoot);
    // The vaults stand for external drives: on this machine's one disk they are stated off the laptop.
    vaults.forEach((dir, i) => h.cli('destinations', 'add', 'local', `vault${i + 1}`, dir, '--off-laptop'));
    return h;
  }

  /** Runs a setup command synchronously; throws with its output when it fails. */
  cli(...args: string[]): string {
    return execFileSync(
      process.execPath,
      [KeepsakeHome.cliPath(this.repoRoot), '--home', this.home, ...args],
      {
        cwd: this.repoRoot,
        env: childEnv(),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  }

  /** `node --import bench/io-probe.mjs bin/keepsake.js --home H --json backup --once`, measured. */
  async backup(scratch: string, timeoutMs: number): Promise<KeepsakeRun> {
    const probeFile = join(scratch, `probe-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
    const m = await measure(
      process.execPath,
      [
        '--import',
        join(this.repoRoot, 'bench', 'io-probe.mjs'),
        KeepsakeHome.cliPath(this.repoRoot),
        '--home',
        this.home,
        '--json',
        'backup',
        '--once',
      ],
      { cwd: this.repoRoot, env: { ...childEnv(), KEEPSAKE_BENCH_PROBE: probeFile }, timeoutMs, scratch },
    );
    let io: KeepsakeRun['io'] = null;
    let vmHwmBytes: number | null = null;
    if (existsSync(probeFile)) {
      const p = JSON.parse(readFileSync(probeFile, 'utf8')) as {
        io?: Record<string, number>;
        vmHwmBytes?: number | null;
      };
      if (p.io)
        io = {
          readBytes: p.io.read_bytes ?? 0,
          rchar: p.io.rchar ?? 0,
          writeBytes: p.io.write_bytes ?? 0,
          wchar: p.io.wchar ?? 0,
        };
      vmHwmBytes = p.vmHwmBytes ?? null;
      rmSync(probeFile, { force: true });
    }
    return { ...m, io, vmHwmBytes, report: parseReport(m.stdout) };
  }
}

/** The environment for child processes, without tsx's or npm's loader settings. */
export function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

function parseReport(stdout: string): KeepsakeRun['report'] {
  const start = stdout.indexOf('{');
  if (start < 0) return null;
  try {
    const r = JSON.parse(stdout.slice(start)) as {
      allProtected: boolean;
      weddings: { files: number }[];
      unassigned: { files: number } | null;
      run: { filesProcessed: number; bytesRead: number; seconds: number };
    };
    const files = r.weddings.reduce((n, w) => n + w.files, 0) + (r.unassigned?.files ?? 0);
    return {
      filesProcessed: r.run.filesProcessed,
      bytesRead: r.run.bytesRead,
      engineSeconds: r.run.seconds,
      allProtected: r.allProtected,
      files,
    };
  } catch {
    return null;
  }
}
