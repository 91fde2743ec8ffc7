import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from './errors.js';
import { configSchema, type Config } from './schema.js';

export const CONFIG_FILE = 'config.json';

export { ConfigError };

export function configPath(home: string): string {
  return join(home, CONFIG_FILE);
}

export function newConfig(): Config {
  return configSchema.parse({ version: 1, installId: randomUUID() });
}

/** Validates parsed JSON, reporting the first bad key with what was expected. */
export function validateConfig(json: unknown, where: string): Config {
  const parsed = configSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues
    .slice(0, 5)
    .map((i) => `  ${i.path.join('.') || '(top level)'}: ${i.message}`);
  throw new ConfigError(
    `${where} is not a valid Keepsake config:\n${lines.join('\n')}\nNothing was changed; fix the file (see docs/CONFIG.md).`,
  );
}

/** Reads the config, or returns undefined when the home has none yet. Never rewrites a broken file. */
export function loadConfig(home: string): Config | undefined {
  const path = configPath(home);
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `${path} is not valid JSON (${(err as Error).message}). Nothing was changed; fix the file (see docs/CONFIG.md).`,
    );
  }
  return validateConfig(json, path);
}

/** Writes the config atomically (temp file + rename), readable by the owner only. */
export function saveConfig(home: string, config: Config): void {
  const path = configPath(home);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(validateConfig(config, 'new config'), null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
