/**
 * The real `age` command-line tool, for compatibility tests: files this module writes must open with
 * it, and files it writes must open here. A missing tool is a test failure with a clear message,
 * never a skip (CI or not): install it with `apt-get install age` (or set AGE_BIN).
 */
import { spawn, spawnSync } from 'node:child_process';

/** Path of the age binary: $AGE_BIN, else /usr/bin/age. */
export const AGE_BIN = process.env.AGE_BIN ?? '/usr/bin/age';

/** Throws unless the age tool runs; call it in beforeAll of every suite that needs it. */
export function requireAge(): string {
  const r = spawnSync(AGE_BIN, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `the age command-line tool is required for the compatibility tests but ${AGE_BIN} does not run ` +
        `(${r.error?.message ?? r.stderr}); install it (apt-get install age) or set AGE_BIN`,
    );
  }
  return r.stdout.trim();
}

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a command with `input` on stdin and collects its output. */
export function run(command: string, args: string[], input?: Uint8Array): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? Buffer.alloc(0));
  });
}

/** Runs age with `args`; stdin from `input`. */
export function age(args: string[], input?: Uint8Array): Promise<RunResult> {
  return run(AGE_BIN, args, input);
}

const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs age with `args` on a pseudo-terminal (via util-linux `script`), typing `lines` (passphrases):
 * age reads passphrases only from a terminal. Output must go to a file (`-o`), since the terminal
 * transcript mixes prompts into stdout. Resolves with age's exit code and the transcript.
 */
export function ageOnTerminal(
  args: string[],
  lines: string[],
): Promise<{ code: number | null; transcript: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [AGE_BIN, ...args].map(shq).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let transcript = '';
    child.stdout.on('data', (c: Buffer) => (transcript += c.toString()));
    child.stderr.on('data', (c: Buffer) => (transcript += c.toString()));
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    // Kept open until age exits: `script` may stop the session when its stdin ends.
    child.stdin.write(lines.map((l) => `${l}\n`).join(''));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, transcript });
    });
  });
}
