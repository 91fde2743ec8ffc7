import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath } from './playwright.config.js';
import { repoRoot } from './support/agent.js';

/** Newest modification time of the files under `dirs` whose names match `re`. */
function newest(dirs: string[], re: RegExp): number {
  let t = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (re.test(e.name)) t = Math.max(t, statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) if (existsSync(join(repoRoot, d))) walk(join(repoRoot, d));
  return t;
}

const built = (file: string) =>
  existsSync(join(repoRoot, file)) ? statSync(join(repoRoot, file)).mtimeMs : 0;

/**
 * Before any spec: Chromium must be there (a missing browser fails the run, it is never skipped), and
 * the engine and UI must be built from the current sources (built here when missing or older).
 */
export default function globalSetup(): void {
  if (!existsSync(chromiumPath))
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: the end-to-end tests need it (Debian: apt-get install -y chromium; or set KEEPSAKE_CHROMIUM).`,
    );
  const run = (args: string[]) => execFileSync('npx', args, { cwd: repoRoot, stdio: 'inherit' });
  const sources = newest(['main', 'shared'], /(?<!\.test)\.ts$/);
  if (built('dist/main/engine/cli/main.js') < sources) {
    console.log('e2e: building the engine (tsc -p tsconfig.build.json)...');
    try {
      run(['tsc', '-p', 'tsconfig.build.json']);
    } catch (err) {
      // tsc emits even when some file has a type error; the specs then run what it emitted.
      if (built('dist/main/engine/cli/main.js') < sources) throw err;
      console.warn('e2e: tsc reported type errors (above); running the engine it emitted.');
    }
  }
  if (built('renderer/dist/index.html') < newest(['renderer', 'shared'], /\.(tsx?|css|html)$/)) {
    console.log('e2e: building the UI (vite build renderer)...');
    run(['vite', 'build', 'renderer', '--logLevel', 'warn']);
  }
}
