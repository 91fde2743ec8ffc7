import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The built UI folder: `renderer/dist` at the repository (or package) root, found from this file. */
export function defaultUiRoot(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = resolve(dir, 'renderer', 'dist');
    if (existsSync(resolve(dir, 'package.json'))) return candidate;
    dir = resolve(dir, '..');
  }
  return resolve(process.cwd(), 'renderer', 'dist');
}
