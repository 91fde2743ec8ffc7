import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { systemClock } from '../clock.js';
import { ConfigError, saveConfig } from '../config/config-file.js';
import { CredentialStore, type Secret } from '../config/credentials.js';
import { destinationSchema, type DestinationConfig } from '../config/schema.js';
import { describeLocation } from '../destinations/factory.js';
import { addDestination } from '../setup/destinations.js';
import { homeOf, type GlobalOptions } from './context.js';
import { requireConfig } from './cmd-folders.js';
import {
  addEncryptionOptions,
  encryptChoice,
  encryptionNote,
  encryptionSetup,
  type EncryptionOptions,
} from './cmd-key.js';

/** Reads a secret from standard input (one line), so it never appears in shell history or `ps`. */
function secretFromStdin(what: string): string {
  let text: string;
  try {
    text = readFileSync(0, 'utf8');
  } catch {
    throw new ConfigError(`--secret-stdin: could not read ${what} from standard input.`);
  }
  const secret = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (!secret) throw new ConfigError(`--secret-stdin: standard input did not contain ${what}.`);
  return secret;
}

/** Validates a destination config with the config schema, naming the bad option. */
function parseDestination(raw: Record<string, unknown>): DestinationConfig {
  const parsed = destinationSchema.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `--${String(issue?.path[0] ?? 'option').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

async function save(
  cmd: Command,
  raw: Record<string, unknown>,
  secret: Secret | undefined,
  opts: EncryptionOptions,
): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const { home, config } = requireConfig(g);
  const dest = parseDestination(raw);
  const encryption = encryptChoice(dest.name, dest.kind, opts.encrypt)
    ? encryptionSetup(home, opts.recoveryKey ?? false)
    : undefined;
  const next = await addDestination(
    config,
    dest,
    systemClock,
    secret ? { store: new CredentialStore(homeOf(g)), secret } : undefined,
    encryption,
  );
  saveConfig(home, next);
  const added = next.destinations.at(-1)!;
  console.log(
    `Added destination ${added.name}: ${describeLocation(added)} (credentials: ${secret ? 'stored, owner-only' : 'from the environment'})${encryptionNote(home, added)}.`,
  );
  encryption?.afterAdd();
}

interface S3Opts {
  bucket: string;
  region?: string;
  prefix?: string;
  endpoint?: string;
  storageClass?: string;
  accessKeyId?: string;
  secretStdin?: boolean;
}

function s3Secret(o: S3Opts): Secret | undefined {
  if (!o.accessKeyId && !o.secretStdin) return undefined;
  if (!o.accessKeyId || !o.secretStdin)
    throw new ConfigError(
      'give both --access-key-id and --secret-stdin (the secret access key on standard input), or neither to use the environment.',
    );
  return {
    kind: 's3',
    accessKeyId: o.accessKeyId,
    secretAccessKey: secretFromStdin('the secret access key'),
  };
}

/** `keepsake destinations add s3|b2|wasabi|gcs|azure`: cloud destinations. */
export function registerCloudDestinations(add: Command): void {
  const s3Like = (kind: 's3' | 'b2' | 'wasabi', description: string) => {
    const c = addEncryptionOptions(add.command(`${kind} <name>`), 'the default for cloud destinations')
      .description(description)
      .requiredOption('--bucket <bucket>', 'the bucket (it must exist)')
      .option('--prefix <folder>', 'a folder inside the bucket, e.g. keepsake')
      .option(
        '--access-key-id <id>',
        'access key id (with --secret-stdin); omit both to use AWS_* variables or profiles',
      )
      .option('--secret-stdin', 'read the secret access key from standard input');
    if (kind === 's3') {
      c.option('--region <region>', 'AWS region', 'us-east-1')
        .option('--endpoint <url>', 'an S3-compatible server instead of AWS (MinIO, Cloudflare R2, a NAS)')
        .option('--storage-class <class>', 'STANDARD, STANDARD_IA, GLACIER_IR, GLACIER or DEEP_ARCHIVE');
    } else {
      c.requiredOption(
        '--region <region>',
        kind === 'b2' ? 'B2 region, e.g. us-west-004' : 'Wasabi region, e.g. eu-central-1',
      );
    }
    c.action(async (name: string, o: S3Opts & EncryptionOptions, cmd: Command) => {
      const secret = s3Secret(o);
      await save(
        cmd,
        {
          name,
          kind,
          bucket: o.bucket,
          prefix: o.prefix,
          region: o.region,
          endpoint: o.endpoint,
          storageClass: o.storageClass,
        },
        secret,
        o,
      );
    });
  };
  s3Like('s3', 'Amazon S3, or any S3-compatible server with --endpoint');
  s3Like('b2', 'Backblaze B2 (through its S3 API)');
  s3Like('wasabi', 'Wasabi');

  addEncryptionOptions(add.command('gcs <name>'), 'the default for cloud destinations')
    .description('Google Cloud Storage')
    .requiredOption('--bucket <bucket>', 'the bucket (it must exist)')
    .option('--prefix <folder>', 'a folder inside the bucket')
    .option('--project-id <id>', 'the Google Cloud project')
    .option('--storage-class <class>', 'STANDARD, NEARLINE, COLDLINE or ARCHIVE')
    .option(
      '--key-file <json>',
      'a service-account key file (stored owner-only); omit to use GOOGLE_APPLICATION_CREDENTIALS',
    )
    .option('--api-endpoint <url>', 'another JSON-API endpoint (an emulator)')
    .action(
      async (
        name: string,
        o: {
          bucket: string;
          prefix?: string;
          projectId?: string;
          storageClass?: string;
          keyFile?: string;
          apiEndpoint?: string;
        } & EncryptionOptions,
        cmd: Command,
      ) => {
        let secret: Secret | undefined;
        if (o.keyFile) {
          try {
            secret = {
              kind: 'gcs',
              serviceAccount: JSON.parse(readFileSync(o.keyFile, 'utf8')) as Record<string, unknown>,
            };
          } catch (err) {
            throw new ConfigError(
              `--key-file: cannot read a JSON key from ${o.keyFile} (${(err as Error).message}).`,
            );
          }
        }
        await save(
          cmd,
          {
            name,
            kind: 'gcs',
            bucket: o.bucket,
            prefix: o.prefix,
            projectId: o.projectId,
            storageClass: o.storageClass,
            apiEndpoint: o.apiEndpoint,
          },
          secret,
          o,
        );
      },
    );

  addEncryptionOptions(add.command('azure <name>'), 'the default for cloud destinations')
    .description('Azure Blob Storage')
    .requiredOption('--container <name>', 'the container (it must exist)')
    .option('--prefix <folder>', 'a folder inside the container')
    .option('--access-tier <tier>', 'Hot, Cool, Cold or Archive')
    .option('--account-name <name>', 'storage account (with --auth account-key)')
    .option('--endpoint <url>', 'blob endpoint (azurite, sovereign clouds)')
    .option(
      '--auth <how>',
      'connection-string, account-key or sas-url, read with --secret-stdin; omit for AZURE_STORAGE_CONNECTION_STRING',
    )
    .option('--secret-stdin', 'read the connection string, account key or SAS URL from standard input')
    .action(
      async (
        name: string,
        o: {
          container: string;
          prefix?: string;
          accessTier?: string;
          accountName?: string;
          endpoint?: string;
          auth?: string;
          secretStdin?: boolean;
        } & EncryptionOptions,
        cmd: Command,
      ) => {
        let secret: Secret | undefined;
        if (o.auth || o.secretStdin) {
          if (!o.auth || !o.secretStdin)
            throw new ConfigError(
              'give --auth together with --secret-stdin, or neither to use AZURE_STORAGE_CONNECTION_STRING.',
            );
          const value = secretFromStdin(o.auth);
          if (o.auth === 'connection-string') secret = { kind: 'azure', connectionString: value };
          else if (o.auth === 'account-key') secret = { kind: 'azure', accountKey: value };
          else if (o.auth === 'sas-url') secret = { kind: 'azure', sasUrl: value };
          else
            throw new ConfigError(
              `--auth: expected connection-string, account-key or sas-url, got "${o.auth}".`,
            );
        }
        await save(
          cmd,
          {
            name,
            kind: 'azure',
            container: o.container,
            prefix: o.prefix,
            accessTier: o.accessTier,
            accountName: o.accountName,
            endpoint: o.endpoint,
          },
          secret,
          o,
        );
      },
    );
}
