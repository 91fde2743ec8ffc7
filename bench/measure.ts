/**
 * Process measurement for the benchmark: wall time, peak memory and disk reads of one child process,
 * cache dropping between runs, and a timed `sync` so tools that do not fsync pay for durability too.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const TIME_BIN = '/usr/bin/time';

/** Process-group ids of measured children still running, so an interrupted benchmark can stop them. */
const running = new Set<number>();

/** Kills every measured child still running (each by its own process group id). */
export function killRunning(): void {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

/** What one measured child process did. */
export interface Measured {
  command: string;
  seconds: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Peak resident memory (max RSS from wait4, or the last VmHWM polled), bytes; null when unknown. */
  peakRssBytes: number | null;
  /** Bytes the process (and its children) made the block layer read: read_bytes / ru_inblock. */
  diskReadBytes: number | null;
  /** Bytes the process caused to be written to storage: write_bytes / ru_oublock. */
  diskWriteBytes: number | null;
  /** User + system CPU seconds of the process tree (GNU time only). */
  cpuSeconds: number | null;
  stdout: string;
  /** The last 16 KiB of stderr, for error messages. */
  stderr: string;
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Scratch folder for /usr/bin/time's report. */
  scratch: string;
}

/** True when GNU time is installed: it reports max RSS and block reads of the whole child tree. */
export const hasGnuTime = (): boolean => existsSync(TIME_BIN);

/**
 * Runs `cmd args` to completion and measures it. Under GNU time (`%M` max RSS, `%I`/`%O` blocks) when
 * installed, else by polling /proc/<pid>/status and /proc/<pid>/io until it exits.
 */
export async function measure(cmd: string, args: string[], opts: MeasureOptions): Promise<Measured> {
  const report = join(opts.scratch, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const gnu = hasGnuTime();
  const [file, argv] = gnu
    ? [TIME_BIN, ['-f', '%e %M %I %O %U %S', '-o', report, cmd, ...args]]
    : [cmd, args];
  const started = performance.now();
  const child = spawn(file, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid;
  if (pgid !== undefined) running.add(pgid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-16_384)));
  let polled = { peak: null as number | null, read: null as number | null, write: null as number | null };
  const poll = gnu ? undefined : setInterval(() => (polled = pollProc(child.pid, polled)), 50);
  let timedOut = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        if (pgid !== undefined) process.kill(-pgid, 'SIGKILL');
      }, opts.timeoutMs)
    : undefined;
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, sig) => done([code, sig]));
  });
  const seconds = (performance.now() - started) / 1000;
  if (pgid !== undefined) running.delete(pgid);
  if (timer) clearTimeout(timer);
  if (poll) clearInterval(poll);
  const out: Measured = {
    command: [cmd, ...args].join(' '),
    seconds,
    exitCode,
    signal,
    timedOut,
    peakRssBytes: polled.peak,
    diskReadBytes: polled.read,
    diskWriteBytes: polled.write,
    cpuSeconds: null,
    stdout,
    stderr,
  };
  if (gnu && existsSync(report)) {
    // "Command exited with non-zero status N" may come first; the format line is the last one.
    const last = readFileSync(report, 'utf8').trim().split('\n').at(-1) ?? '';
    const [, maxRssKb, inBlocks, outBlocks, user, sys] = last.split(/\s+/).map(Number);
    if (maxRssKb !== undefined && Number.isFinite(maxRssKb)) out.peakRssBytes = maxRssKb * 1024;
    if (inBlocks !== undefined && Number.isFinite(inBlocks)) out.diskReadBytes = inBlocks * 512;
    if (outBlocks !== undefined && Number.isFinite(outBlocks)) out.diskWriteBytes = outBlocks * 512;
    if (user !== undefined && sys !== undefined && Number.isFinite(user + sys)) out.cpuSeconds = user + sys;
    rmSync(report, { force: true });
  }
  return out;
}

function pollProc(
  pid: number | undefined,
  last: { peak: number | null; read: number | null; write: number | null },
): { peak: number | null; read: number | null; write: number | null } {
  if (pid === undefined) return last;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    const read = /read_bytes:\s+(\d+)/.exec(io)?.[1];
    const write = /^write_bytes:\s+(\d+)/m.exec(io)?.[1];
    return {
      peak: kb ? Math.max(last.peak ?? 0, Number(kb) * 1024) : last.peak,
      read: read ? Number(read) : last.read,
      write: write ? Number(write) : last.write,
    };
  } catch {
    return last; // exited between two polls
  }
}

/** Flushes dirty pages; returns how long it took (the durability cost a tool left behind). */
export function timedSync(): number {
  const t0 = performance.now();
  execFileSync('sync');
  return (performance.now() - t0) / 1000;
}

/**
 * Makes the page cache cold: `sync; echo 3 > /proc/sys/vm/drop_caches`. Needs root; returns why it
 * could not when it could not (the numbers are then warm-cache numbers).
 */
export function dropCaches(): { dropped: boolean; note?: string } {
  execFileSync('sync');
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return { dropped: true };
  } catch (err) {
    return { dropped: false, note: `could not drop caches: ${(err as Error).message}` };
  }
}
