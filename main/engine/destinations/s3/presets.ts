import { DestinationError } from '../errors.js';
import type { S3Config, S3Credentials } from './s3.js';

/** The S3-compatible providers the setup screens offer. */
export type S3ProviderId = 'aws' | 'backblaze-b2' | 'wasabi' | 'custom';

/** What the setup screens need to know about a provider's storage classes. */
export interface S3Provider {
  id: S3ProviderId;
  label: string;
  /** Storage classes the user may pick, the default first. */
  storageClasses: readonly string[];
  /** False for one-class providers: no StorageClass header is ever sent to them. */
  hasStorageClasses: boolean;
}

/** AWS S3's classes that suit backups (GLACIER and DEEP_ARCHIVE need a restore before reading). */
export const AWS_STORAGE_CLASSES = [
  'STANDARD',
  'STANDARD_IA',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
] as const;
export type AwsStorageClass = (typeof AWS_STORAGE_CLASSES)[number];

export const S3_PROVIDERS: Readonly<Record<S3ProviderId, S3Provider>> = {
  aws: { id: 'aws', label: 'Amazon S3', storageClasses: AWS_STORAGE_CLASSES, hasStorageClasses: true },
  'backblaze-b2': {
    id: 'backblaze-b2',
    label: 'Backblaze B2',
    storageClasses: ['STANDARD'],
    hasStorageClasses: false,
  },
  wasabi: { id: 'wasabi', label: 'Wasabi', storageClasses: ['STANDARD'], hasStorageClasses: false },
  custom: {
    id: 'custom',
    label: 'Other S3-compatible (MinIO, Cloudflare R2, NAS)',
    storageClasses: ['STANDARD'],
    hasStorageClasses: false,
  },
};

/** Settings every preset takes. */
export interface S3PresetBase {
  name: string;
  bucket: string;
  prefix?: string;
  /** Omitted: the AWS SDK's default provider chain (environment variables, shared profiles). */
  credentials?: S3Credentials;
}

function invalid(name: string, text: string): DestinationError {
  return new DestinationError('permanent', name, text);
}

/** Region names go into endpoint host names, so only `[a-z0-9-]` is accepted. */
function checkRegion(name: string, region: string): string {
  const r = region.trim().toLowerCase();
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(r)) throw invalid(name, `invalid region ${JSON.stringify(region)}`);
  return r;
}

function base(opts: S3PresetBase): Pick<S3Config, 'name' | 'bucket' | 'prefix' | 'credentials'> {
  return {
    name: opts.name,
    bucket: opts.bucket,
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  };
}

/** Amazon S3 in `region`, with one of AWS_STORAGE_CLASSES (default STANDARD, sent as no header). */
export function awsS3Config(
  opts: S3PresetBase & { region: string; storageClass?: AwsStorageClass },
): S3Config {
  const storageClass = opts.storageClass ?? 'STANDARD';
  if (!(AWS_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    throw invalid(opts.name, `unsupported storage class ${JSON.stringify(storageClass)}`);
  }
  return {
    ...base(opts),
    region: checkRegion(opts.name, opts.region),
    ...(storageClass === 'STANDARD' ? {} : { storageClass }),
  };
}

/** Backblaze B2's S3 API: `https://s3.<region>.backblazeb2.com` (region like `us-west-004`); one class. */
export function backblazeB2Config(opts: S3PresetBase & { region: string }): S3Config {
  const region = checkRegion(opts.name, opts.region);
  return { ...base(opts), region, endpoint: `https://s3.${region}.backblazeb2.com` };
}

/** Wasabi: `https://s3.<region>.wasabisys.com` (region like `eu-central-1`); one class. */
export function wasabiConfig(opts: S3PresetBase & { region: string }): S3Config {
  const region = checkRegion(opts.name, opts.region);
  return { ...base(opts), region, endpoint: `https://s3.${region}.wasabisys.com` };
}

/**
 * Any other S3-compatible endpoint (MinIO, Cloudflare R2, a NAS): path-style URLs, which these
 * servers support without per-bucket DNS names. Region defaults to `us-east-1` (R2 takes `auto`).
 */
export function customS3Config(
  opts: S3PresetBase & { endpoint: string; region?: string; forcePathStyle?: boolean; storageClass?: string },
): S3Config {
  let url: URL;
  try {
    url = new URL(opts.endpoint);
  } catch {
    throw invalid(opts.name, `invalid endpoint URL ${JSON.stringify(opts.endpoint)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid(opts.name, `the endpoint must be an http:// or https:// URL, not ${url.protocol}`);
  }
  return {
    ...base(opts),
    region: checkRegion(opts.name, opts.region ?? 'us-east-1'),
    endpoint: url.origin + url.pathname.replace(/\/+$/, ''),
    forcePathStyle: opts.forcePathStyle ?? true,
    ...(opts.storageClass ? { storageClass: opts.storageClass } : {}),
  };
}
