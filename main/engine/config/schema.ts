import { z } from 'zod';
import { priceOverridesSchema } from '../cost/overrides.js';

const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/,
    'a name of letters, digits, spaces, dots, dashes or underscores',
  );

/**
 * Present when the destination's repository is encrypted (docs/FORMAT.md): the id of its repository
 * key, which the key cache (config/key-cache.ts) holds. Absent: a plain repository, as before.
 */
const encryption = z
  .object({ keyId: z.string().regex(/^[0-9a-f]{16}$/, 'a key id of 16 lower-case hex digits') })
  .optional();

/** A local folder destination: an external drive, a NAS mount, or the embedded default vault. */
export const localDestinationSchema = z.object({
  name,
  kind: z.literal('local'),
  path: z.string().min(1, 'an absolute folder path'),
  enabled: z.boolean().default(true),
  encryption,
});

/**
 * Where a cloud destination's secret comes from: `stored` in the home's credentials.json (owner-only,
 * see docs/CONFIG.md), or `environment`: the provider SDK's standard places (AWS profiles and
 * variables, GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_CONNECTION_STRING).
 */
const credentialSource = z.enum(['stored', 'environment']).default('environment');
const prefix = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
    'a folder path like keepsake/studio, without leading or trailing /',
  )
  .optional();
const bucket = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'a bucket name (3-63 lower-case letters, digits, dots, dashes)',
  );
const region = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a region like eu-central-1');

/** Amazon S3, or any S3-compatible server when `endpoint` is set (MinIO, Cloudflare R2, a NAS). */
export const s3DestinationSchema = z.object({
  name,
  kind: z.literal('s3'),
  bucket,
  prefix,
  region: region.default('us-east-1'),
  endpoint: z.url({ message: 'an http:// or https:// URL' }).optional(),
  storageClass: z.enum(['STANDARD', 'STANDARD_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE']).optional(),
  credentials: credentialSource,
  enabled: z.boolean().default(true),
  encryption,
});

/** Backblaze B2 (S3 API) and Wasabi: one storage class each. */
export const b2DestinationSchema = z.object({
  name,
  kind: z.literal('b2'),
  bucket,
  prefix,
  region,
  credentials: credentialSource,
  enabled: z.boolean().default(true),
  encryption,
});
export const wasabiDestinationSchema = b2DestinationSchema.extend({ kind: z.literal('wasabi') });

export const gcsDestinationSchema = z.object({
  name,
  kind: z.literal('gcs'),
  bucket,
  prefix,
  projectId: z.string().optional(),
  storageClass: z.enum(['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE']).optional(),
  /** Another JSON-API endpoint (an emulator or a private gateway). */
  apiEndpoint: z.url().optional(),
  credentials: credentialSource,
  enabled: z.boolean().default(true),
  encryption,
});

export const azureDestinationSchema = z.object({
  name,
  kind: z.literal('azure'),
  container: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a container name (lower-case letters, digits, single dashes)'),
  prefix,
  /** Blob endpoint, e.g. https://ACCOUNT.blob.core.windows.net; taken from the connection string when omitted. */
  endpoint: z.url().optional(),
  accountName: z.string().optional(),
  accessTier: z.enum(['Hot', 'Cool', 'Cold', 'Archive']).optional(),
  credentials: credentialSource,
  enabled: z.boolean().default(true),
  encryption,
});

export const destinationSchema = z.discriminatedUnion('kind', [
  localDestinationSchema,
  s3DestinationSchema,
  b2DestinationSchema,
  wasabiDestinationSchema,
  gcsDestinationSchema,
  azureDestinationSchema,
]);

export const folderSchema = z.object({
  path: z.string().min(1, 'an absolute folder path'),
  /** `weddings`: every sub-folder is one wedding. `import`: loose files, assigned by capture date. */
  kind: z.enum(['weddings', 'import']),
});

/** The config file (config.json in the Keepsake home). docs/CONFIG.md documents every key. */
export const configSchema = z.object({
  version: z.literal(1),
  /** Random id of this installation; names its staging area in shared repositories. */
  installId: z.string().regex(/^[a-z0-9-]{8,64}$/, 'a lower-case id'),
  folders: z.array(folderSchema).default([]),
  destinations: z.array(destinationSchema).default([]),
  protection: z
    .object({
      /** Copies each file needs before it counts as protected: a number, or `all` enabled destinations. */
      copies: z.union([z.literal('all'), z.number().int().min(1).max(10)]).default('all'),
    })
    .default({ copies: 'all' }),
  watch: z
    .object({
      /** A file is taken once its size and time have not changed for this long (card imports). */
      stableMs: z.number().int().min(0).max(600_000).default(2000),
    })
    .default({ stableMs: 2000 }),
  transfer: z
    .object({
      /** Files backed up at the same time. */
      concurrency: z.number().int().min(1).max(32).default(4),
      /** Upload limit in bytes per second for all destinations together; null for none. */
      bandwidthLimit: z.number().int().positive().nullable().default(null),
    })
    .default({ concurrency: 4, bandwidthLimit: null }),
  /** Who hears about trouble: always the log (and the desktop when the shell runs), optionally a webhook and email. */
  notifications: z
    .object({
      /** A Slack-compatible incoming webhook (Slack, Mattermost, many SMS and chat gateways). */
      webhookUrl: z.url({ message: 'an https:// URL' }).nullable().default(null),
      /** SMTP settings; the password, if any, comes from the KEEPSAKE_SMTP_PASSWORD environment variable. */
      email: z
        .object({
          host: z.string().min(1),
          port: z.number().int().min(1).max(65535).default(587),
          security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
          user: z.string().optional(),
          from: z.string().min(3),
          to: z.array(z.string().min(3)).min(1),
        })
        .nullable()
        .default(null),
      /** A wedding below its copy target for this long is reported. */
      belowTargetMinutes: z.number().int().min(1).default(360),
    })
    .default({ webhookUrl: null, email: null, belowTargetMinutes: 360 }),
  /** Your own prices, replacing the built-in list prices (see docs/CONFIG.md and cost/prices.ts). */
  priceOverrides: priceOverridesSchema.optional(),
});

export type Config = z.infer<typeof configSchema>;
export type DestinationConfig = z.infer<typeof destinationSchema>;
export type FolderConfig = z.infer<typeof folderSchema>;
