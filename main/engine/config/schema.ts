import { z } from 'zod';
import { priceOverridesSchema } from '../cost/overrides.js';
import { policiesSchema } from '../policy/schema.js';

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

/**
 * Region tags of a destination (e.g. `EU`), compared case-insensitively with a wedding's residency:
 * a wedding flagged EU is only placed on destinations tagged EU.
 */
const tags = z
  .array(z.string().regex(/^[A-Za-z0-9-]{1,32}$/, 'a tag of letters, digits or dashes, like EU'))
  .optional();

/** A local folder destination: an external drive, a NAS mount, or the embedded default vault. */
export const localDestinationSchema = z.object({
  name,
  kind: z.literal('local'),
  path: z.string().min(1, 'an absolute folder path'),
  enabled: z.boolean().default(true),
  encryption,
  tags,
  /**
   * The folder travels with this computer (an internal disk, a drive that stays plugged in): its
   * copies do not count as "off the laptop". Absent: decided by the disk, on the laptop when the folder
   * is on the same device as a watched folder; set false for a NAS or a drive kept elsewhere.
   */
  onLaptop: z.boolean().optional(),
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
  tags,
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
  tags,
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
  tags,
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
  tags,
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
  /** This laptop's name in a shared repository (manifests, `studio`); default: the computer's host name. */
  deviceName: z.string().trim().min(1).max(64).optional(),
  folders: z.array(folderSchema).default([]),
  destinations: z.array(destinationSchema).default([]),
  protection: z
    .object({
      /**
       * Where copies go and how many a file needs before it counts as protected: `policy` lets the
       * protection policies (the `policies` section) decide per wedding; `all` puts a copy on every
       * enabled destination; a number N puts a copy everywhere and counts a file protected at N.
       */
      copies: z
        .union([z.literal('all'), z.literal('policy'), z.number().int().min(1).max(10)])
        .default('all'),
      /**
       * Whether copies on the laptop's own disk may make a file count as protected. Default false: a
       * file is protected only once it could be restored after the laptop is lost or broken.
       */
      laptopCounts: z.boolean().default(false),
    })
    .default({ copies: 'all', laptopCounts: false }),
  /** What each protection policy needs and when a wedding falls under it (docs/CONFIG.md). */
  policies: policiesSchema,
  watch: z
    .object({
      /** A file is taken once its size and time have not changed for this long (card imports). */
      stableMs: z.number().int().min(0).max(600_000).default(2000),
    })
    .default({ stableMs: 2000 }),
  capture: z
    .object({
      /**
       * Loose imports taken before this hour (camera time) belong to the previous day's wedding, if
       * there is one: the party runs past midnight. 0 turns this off.
       */
      dayBoundaryHour: z.number().int().min(0).max(12).default(6),
    })
    .default({ dayBoundaryHour: 6 }),
  transfer: z
    .object({
      /** Files backed up at the same time. */
      concurrency: z.number().int().min(1).max(32).default(4),
      /** Upload limit in bytes per second for all destinations together; null for none. */
      bandwidthLimit: z.number().int().positive().nullable().default(null),
      /**
       * Windows of local (wall-clock) time with their own limit, e.g. office hours; the first window
       * that holds the moment wins, outside every window `bandwidthLimit` applies (docs/CONFIG.md).
       */
      bandwidthSchedule: z
        .array(
          z
            .object({
              /** Days the window starts on (it may run past midnight); absent: every day. */
              days: z
                .array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']))
                .min(1, 'at least one day; leave "days" out for every day')
                .optional(),
              from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM, 00:00 to 23:59'),
              to: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time as HH:MM, 00:00 to 24:00'),
              /** Bytes per second in this window; null: unlimited. */
              limit: z.number().int().positive().nullable(),
            })
            .refine((w) => w.from !== w.to, {
              message: '"from" and "to" are the same time; a whole day is "00:00" to "24:00"',
              path: ['to'],
            }),
        )
        .optional(),
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
