#!/usr/bin/env node
// Entry point of the `keepsake` command: runs the compiled CLI (build with `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/main/engine/cli/main.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('Keepsake is not built yet: run `npm run build` (or `npm start`) first.');
  process.exit(2);
}
await import(cli);
