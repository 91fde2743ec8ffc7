import { spawn } from 'node:child_process';
import { cliNodeArgs } from './cli.js';
import { repoRoot } from './corpus.js';

const shq = (x: string) => `'${x.replaceAll("'", `'\\''`)}'`;

/** How a CLI run on a pseudo-terminal ended: its exit code and everything it showed (stdout and stderr). */
export interface TerminalResult {
  code: number | null;
  transcript: string;
}

/**
 * Runs `keepsake --home HOME ARGS...` on a pseudo-terminal (util-linux `script`), answering each
 * prompt as it appears, the way a person types: the answer and Enter. KEEPSAKE_PASSPHRASE is emptied
 * unless `env` sets it, so a passphrase can only come from the prompt.
 */
export async function runOnTerminal(
  home: string,
  args: readonly string[],
  answers: [prompt: string, answer: string][],
  env: NodeJS.ProcessEnv = {},
): Promise<TerminalResult> {
  const command = [process.execPath, ...(await cliNodeArgs()), '--home', home, ...args].map(shq).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: repoRoot,
      env: { ...process.env, KEEPSAKE_PASSPHRASE: '', NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let transcript = '';
    let answered = 0;
    const onOutput = (c: Buffer) => {
      transcript += c.toString();
      const next = answers[answered];
      const seenBefore = answers.slice(0, answered).filter((a) => a[0] === next?.[0]).length;
      if (next && transcript.split(next[0]).length - 1 > seenBefore) {
        answered++;
        child.stdin.write(`${next[1]}\r`);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, transcript });
    });
  });
}
