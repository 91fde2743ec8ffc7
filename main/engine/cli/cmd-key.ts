import type { Command } from 'commander';
import { ConfigError } from '../config/config-file.js';
import { CredentialStore } from '../config/credentials.js';
import { FileKeyCache } from '../config/key-cache.js';
import { formatRecoveryKey } from '../crypto/index.js';
import type { DestinationConfig } from '../config/schema.js';
import {
  changeDestinationPassphrase,
  encryptsByDefault,
  exportDestinationRecovery,
  MIN_PASSPHRASE_LENGTH,
  unlockDestination,
  type EncryptionSetup,
  type KeyContext,
  type KeyFileUpdate,
} from '../setup/destinations.js';
import { homeOf, type GlobalOptions } from './context.js';
import { requireConfig } from './cmd-folders.js';
import { printJson } from './output.js';

/** The environment variable a passphrase is read from when no terminal is at hand (scripts, services). */
export const PASSPHRASE_ENV = 'KEEPSAKE_PASSPHRASE';
/** The new passphrase of `key change-passphrase`, without a terminal. */
export const NEW_PASSPHRASE_ENV = 'KEEPSAKE_NEW_PASSPHRASE';

/** Reads one line from the terminal without echoing it (raw mode: each key is handled here). */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new ConfigError('cancelled'));
        if (ch === '\u0004' && typed === '') return finish(new ConfigError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    // Echo goes off before the prompt shows, so an answer typed as soon as it appears is never echoed.
    input.setRawMode(true);
    process.stderr.write(question);
    input.resume();
    input.on('data', onData);
  });
}

const onTerminal = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

/**
 * A passphrase: from `env` when set, else typed at a hidden prompt (twice for a new one). Without
 * either, a clear error: a backup agent must never hang waiting for input no one can give.
 */
export async function readPassphrase(
  purpose: 'new' | 'unlock' | 'current',
  env = PASSPHRASE_ENV,
): Promise<string> {
  const fromEnv = process.env[env];
  if (fromEnv) return fromEnv;
  if (!onTerminal()) {
    throw new ConfigError(
      `a passphrase is needed: set ${env} or run the command in a terminal to type it (it is not echoed).`,
    );
  }
  if (purpose !== 'new') return promptHidden('Passphrase: ');
  process.stderr.write(
    `Choose the passphrase of your encrypted backups (at least ${MIN_PASSPHRASE_LENGTH} characters; a few unrelated words are best).\n` +
      'Without it (or the recovery key) nobody, Keepsake included, can read these backups.\n',
  );
  const first = await promptHidden('New passphrase: ');
  const again = await promptHidden('Repeat it: ');
  if (first !== again) throw new ConfigError('the two passphrases differ; nothing was changed.');
  return first;
}

/** Prints a recovery key once, laid out for paper, with what to do with it. */
export function printRecoveryKey(recoveryKey: string): void {
  console.log(
    [
      '',
      'RECOVERY KEY (shown only this once):',
      '',
      formatRecoveryKey(recoveryKey),
      '',
      'Print it or write it down and keep it offline, away from this computer (a safe, a bank box).',
      'With it, your backups can be opened if the passphrase is forgotten: keep it as safe as the photos.',
      'It is not stored anywhere else; `keepsake key export-recovery` makes a new one (the old one stops working).',
      '',
    ].join('\n'),
  );
}

/**
 * The encryption choices of `destinations add`: the key cache of the home, the passphrase source,
 * and with `--recovery-key` the printing of a new key's recovery key (or, when the destination
 * reuses an existing key, a note on how to make one).
 */
export function encryptionSetup(home: string, withRecovery: boolean): EncryptionSetup & { afterAdd(): void } {
  let printed = false;
  return {
    keys: new FileKeyCache(home),
    passphrase: (purpose) => readPassphrase(purpose),
    ...(withRecovery
      ? {
          onRecoveryKey: (key: string) => {
            printed = true;
            printRecoveryKey(key);
          },
        }
      : {}),
    afterAdd() {
      if (withRecovery && !printed) {
        console.log(
          'This destination uses the key of your other encrypted destinations: its recovery key, if one was made, still works. `keepsake key export-recovery --destination NAME` makes a new one.',
        );
      }
    },
  };
}

/** Warns on standard error that a cloud destination will hold photos unencrypted. */
export function warnUnencryptedCloud(name: string): void {
  process.stderr.write(
    `WARNING: ${name} will store photos and manifests UNENCRYPTED: the storage provider, and anyone who\n` +
      `gets access to the bucket, can open every photo and read the couples' names. Encryption is the\n` +
      `default for cloud destinations; add the destination without --no-encrypt to keep it.\n`,
  );
}

function keyContext(g: GlobalOptions): KeyContext {
  const { home, config } = requireConfig(g);
  const credentials = new CredentialStore(homeOf(g));
  return { config, keys: new FileKeyCache(home), secretOf: (name) => credentials.get(name) };
}

function reportUpdate(what: string, r: KeyFileUpdate): void {
  console.log(`${what} on ${r.updated.join(', ')}.`);
  for (const f of r.failed) {
    console.log(
      `NOT updated on ${f.destination}: ${f.reason}\n  Run the command again with --destination ${f.destination} when it is reachable.`,
    );
  }
}

/** `keepsake key unlock|change-passphrase|export-recovery`: the keys of encrypted destinations. */
export function registerKey(program: Command): void {
  const key = program
    .command('key')
    .description(
      `the keys of encrypted destinations (passphrases from ${PASSPHRASE_ENV} / ${NEW_PASSPHRASE_ENV}, or typed)`,
    );
  key
    .command('unlock')
    .description("put an encrypted destination's key back on this computer (asks its passphrase)")
    .requiredOption('--destination <name>', 'the encrypted destination')
    .action(async (opts: { destination: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const ctx = keyContext(g);
      const keyId = await unlockDestination(ctx, opts.destination, await readPassphrase('unlock'));
      if (g.json) return printJson({ destination: opts.destination, keyId, cachedIn: ctx.keys.where });
      console.log(`Unlocked key ${keyId} of ${opts.destination}; kept owner-only in ${ctx.keys.where}.`);
    });
  key
    .command('change-passphrase')
    .description(
      'change the passphrase that protects the key (keys/passphrase.age); the photos are not re-sent',
    )
    .requiredOption('--destination <name>', 'the encrypted destination (destinations sharing its key follow)')
    .action(async (opts: { destination: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const ctx = keyContext(g);
      const oldPassphrase = await readPassphrase('current');
      const newPassphrase = await readPassphrase('new', NEW_PASSPHRASE_ENV);
      const r = await changeDestinationPassphrase(ctx, opts.destination, oldPassphrase, newPassphrase);
      if (g.json) return printJson(r);
      reportUpdate('Passphrase changed', r);
      if (r.failed.length) process.exitCode = 1;
    });
  key
    .command('export-recovery')
    .description('make a new recovery key and print it once (the previous one stops working)')
    .requiredOption('--destination <name>', 'the encrypted destination (destinations sharing its key follow)')
    .action(async (opts: { destination: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const ctx = keyContext(g);
      const r = await exportDestinationRecovery(ctx, opts.destination, await readPassphrase('current'));
      if (g.json) return printJson(r);
      reportUpdate('New recovery key (keys/recovery.age) written', r);
      printRecoveryKey(r.recoveryKey);
      if (r.failed.length) process.exitCode = 1;
    });
}

/**
 * Whether `destinations add` encrypts: `--encrypt` / `--no-encrypt` when given, else the default for
 * the kind (cloud: yes, local: no). Turning it off for a cloud destination prints a warning.
 */
export function encryptChoice(
  name: string,
  kind: DestinationConfig['kind'],
  encrypt: boolean | undefined,
): boolean {
  const chosen = encrypt ?? encryptsByDefault(kind);
  if (!chosen && encryptsByDefault(kind)) warnUnencryptedCloud(name);
  return chosen;
}

/** The encryption flags of every `destinations add` command. */
export interface EncryptionOptions {
  encrypt?: boolean;
  recoveryKey?: boolean;
}

/** Adds `--encrypt`, `--no-encrypt` and `--recovery-key` to a `destinations add` command. */
export function addEncryptionOptions(c: Command, byDefault: string): Command {
  return c
    .option('--encrypt', `encrypt photos and manifests before they leave this computer (${byDefault})`)
    .option('--no-encrypt', 'store them unencrypted')
    .option(
      '--recovery-key',
      'with the first encrypted destination: also make a recovery key and print it once',
    );
}

/** What the "Added destination" line says about encryption. */
export function encryptionNote(home: string, d: DestinationConfig): string {
  if (!d.encryption) return ' (not encrypted)';
  return ` (encrypted with key ${d.encryption.keyId}, kept unlocked in ${new FileKeyCache(home).where})`;
}
