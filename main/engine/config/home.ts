import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user folder for config and database: KEEPSAKE_HOME, else the OS's app-data folder. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.KEEPSAKE_HOME) return env.KEEPSAKE_HOME;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Keepsake');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Keepsake');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'keepsake');
}

export const databaseFile = (home: string) => join(home, 'keepsake.db');
export const lockFile = (home: string) => join(home, 'keepsake.lock');
