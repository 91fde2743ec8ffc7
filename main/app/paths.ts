import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This folder once built: dist/main/app (inside app.asar when packaged). */
const here = dirname(fileURLToPath(import.meta.url));

/** Where the built parts the shell loads are, found from this file (dist/main/app/paths.js). */
export const shellPaths = {
  /** The engine's process entry (forked with utilityProcess). */
  engineHost: join(here, 'engine-host.js'),
  /** The engine's CLI, run by the host. */
  engineCli: join(here, '..', 'engine', 'cli', 'main.js'),
  /** The preload script, compiled by preload/tsconfig.build.json to dist/preload. */
  preload: join(here, '..', '..', 'preload', 'preload.js'),
};
