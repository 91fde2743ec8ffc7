import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `tsx` resolves from. */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Runs an ES module `script` (TypeScript allowed, absolute imports) in a child Node process as an
 * unprivileged process (root without its permission-override capabilities) when the tests run as root, since root ignores file permissions and
 * `EACCES` could not happen otherwise. Returns the child's stdout; throws with its stderr on failure.
 */
export function runUnprivileged(script: string, args: readonly string[] = []): string {
  // Root keeps its uid (so the repository is reachable wherever it was cloned) but loses the
  // capabilities that let it ignore file permissions.
  const asRoot = process.getuid?.() === 0;
  const node = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', script, ...args];
  const command = asRoot
    ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search,-fowner', '--', ...node]
    : node;
  const child = spawnSync(command[0]!, command.slice(1), {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0 || child.stderr !== '') {
    throw new Error(`child exited ${child.status ?? child.signal}: ${child.stderr}`);
  }
  return child.stdout;
}

/** Absolute path of a module next to the caller, for `import` in a `runUnprivileged` script. */
export function modulePath(relativePath: string, base: string): string {
  return fileURLToPath(new URL(relativePath, base));
}
