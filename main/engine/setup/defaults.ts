import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { loadConfig, newConfig, saveConfig } from '../config/config-file.js';
import type { Config } from '../config/schema.js';
import { addDestination } from './destinations.js';
import { addFolder } from './folders.js';

/**
 * The embedded default: with no configuration, a home with a `Weddings` folder to watch and a local
 * `Vault` folder to back up to, so Keepsake works without any cloud account. An existing config is
 * left as it is.
 */
export async function ensureDefaultSetup(
  home: string,
  clock: Clock,
): Promise<{ config: Config; created: boolean; weddings: string; vault: string }> {
  const weddings = join(home, 'Weddings');
  const vault = join(home, 'Vault');
  const existing = loadConfig(home);
  if (existing) return { config: existing, created: false, weddings, vault };
  mkdirSync(weddings, { recursive: true });
  let config = addFolder(newConfig(), weddings, 'weddings');
  config = await addDestination(config, { name: 'Vault', kind: 'local', path: vault, enabled: true }, clock);
  saveConfig(home, config);
  return { config, created: true, weddings, vault };
}
