import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/config-file.js';
import type { Config, FolderConfig } from '../config/schema.js';
import { overlaps } from './overlap.js';

/** Adds a watched folder to the config after checking it exists and does not overlap another one. */
export function addFolder(config: Config, path: string, kind: FolderConfig['kind']): Config {
  const full = resolve(path);
  const info = statSync(full, { throwIfNoEntry: false });
  if (!info) throw new ConfigError(`Folder ${full} does not exist.`);
  if (!info.isDirectory()) throw new ConfigError(`${full} is not a folder.`);
  for (const f of config.folders) {
    if (f.path === full)
      return { ...config, folders: config.folders.map((x) => (x.path === full ? { path: full, kind } : x)) };
    if (overlaps(full, f.path)) {
      throw new ConfigError(`${full} overlaps the watched folder ${f.path}; watch one or the other.`);
    }
  }
  for (const d of config.destinations) {
    if (d.kind === 'local' && overlaps(full, d.path)) {
      throw new ConfigError(
        `${full} overlaps the destination folder ${d.path}: a backup must not watch itself.`,
      );
    }
  }
  return { ...config, folders: [...config.folders, { path: full, kind }] };
}

export function removeFolder(config: Config, path: string): Config {
  const full = resolve(path);
  if (!config.folders.some((f) => f.path === full)) throw new ConfigError(`${full} is not a watched folder.`);
  return { ...config, folders: config.folders.filter((f) => f.path !== full) };
}
