import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../config/config-file.js';
import { LocalDestination } from '../destinations/local/local.js';
import type { RepositorySecret } from '../repo/encryption.js';
import type { Repository } from '../repo/repository.js';
import { openRepositoryAt } from '../setup/destinations.js';
import { PASSPHRASE_ENV, readPassphrase } from './cmd-key.js';

// `--vault DIR` and `--recovery-key FILE`: the commands that read a vault without any config.

/**
 * The recovery key in a file (`--recovery-key FILE`): as printed (grouped, on several lines) or an age
 * identity file; `#` comment lines are skipped, the key's checksum catches a typo.
 */
async function readRecoveryKeyFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the recovery key file ${path}: ${(err as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .join('');
}

/**
 * Opens a vault folder without any config (`--vault DIR`, a new computer). An encrypted one is
 * unlocked from its own key files: with `--recovery-key FILE`, else the passphrase (KEEPSAKE_PASSPHRASE
 * or typed at a hidden prompt), asked only when the vault is encrypted. Nothing is written anywhere.
 */
export async function openVault(dir: string, recoveryKeyFile: string | undefined): Promise<Repository> {
  const secret = async (): Promise<RepositorySecret> => {
    if (recoveryKeyFile) return { recoveryKey: await readRecoveryKeyFile(recoveryKeyFile) };
    try {
      return { passphrase: await readPassphrase('unlock') };
    } catch (err) {
      if (!(err instanceof ConfigError) || err.message === 'cancelled') throw err;
      throw new ConfigError(
        `${dir} is an encrypted vault: ${err.message.replace(/\.$/, '')}; or give its recovery key with --recovery-key FILE.`,
      );
    }
  };
  return openRepositoryAt(new LocalDestination('vault', resolve(dir)), randomUUID(), secret);
}

/** `--recovery-key` only means something with `--vault`. */
export function checkRecoveryKeyOption(opts: { vault?: string; recoveryKey?: string }): void {
  if (opts.recoveryKey && !opts.vault) {
    throw new ConfigError(
      '--recovery-key goes with --vault; with a Keepsake config, `keepsake key unlock` puts the key back.',
    );
  }
}

export const vaultHelp =
  'read straight from a local vault folder, without a Keepsake config (a new computer)';
export const recoveryHelp = `with --vault: unlock an encrypted vault with the recovery key in FILE instead of its passphrase (${PASSPHRASE_ENV}, or typed)`;
