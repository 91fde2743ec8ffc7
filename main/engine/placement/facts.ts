import type { DestinationFacts, DestinationHealth, Temperature } from '../../../shared/model/policy.js';
import type { DestinationConfig } from '../config/schema.js';

/** What is known about a destination now, beyond its config. */
export interface LiveFacts {
  health: DestinationHealth;
  /** Why it is degraded or down, when it is. */
  healthReason?: string;
  /** Free space or quota left in bytes; null or absent when unlimited or unknown. */
  freeBytes?: number | null;
  alreadyHas: boolean;
  /** Device id of a local folder's disk (stat's `dev`): folders on one disk are one provider. */
  device?: string | null;
  regionTags?: readonly string[];
  /** Overrides the default (local folders stay with the laptop; a NAS mount does not). */
  local?: boolean;
}

/** What keeping a GB for a month costs at a destination, in one currency for all (prices.ts builds one). */
export type PriceFunction = (d: DestinationConfig) => number;

const COLD_CLASSES = new Set(['GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE', 'COLDLINE', 'ARCHIVE', 'COLD']);

/** Cold classes keep data cheaply but slowly (minimum durations, retrieval fees or rehydration). */
export function temperatureOf(storageClass: string | null): Temperature {
  return storageClass !== null && COLD_CLASSES.has(storageClass.toUpperCase()) ? 'cold' : 'warm';
}

/**
 * Storage class objects get at a destination: S3's configured class (STANDARD by default), GCS's and
 * Azure's when configured (else the bucket's or account's default, taken as warm), none elsewhere.
 */
export function storageClassOf(d: DestinationConfig): string | null {
  switch (d.kind) {
    case 's3':
      return d.storageClass ?? 'STANDARD';
    case 'gcs':
      return d.storageClass ?? null;
    case 'azure':
      return d.accessTier ?? null;
    default:
      return null;
  }
}

const KNOWN_HOSTS: [suffix: string, provider: string][] = [
  ['amazonaws.com', 'aws'],
  ['backblazeb2.com', 'b2'],
  ['wasabisys.com', 'wasabi'],
  ['r2.cloudflarestorage.com', 'cloudflare'],
  ['storage.googleapis.com', 'gcs'],
  ['blob.core.windows.net', 'azure'],
  ['digitaloceanspaces.com', 'digitalocean'],
];

/** The provider behind an endpoint URL: a known cloud, or `<kind>-<host>` (a NAS, MinIO, an emulator). */
function providerOfEndpoint(kind: string, endpoint: string): string {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return `${kind}-${endpoint}`;
  }
  const known = KNOWN_HOSTS.find(([suffix]) => host === suffix || host.endsWith(`.${suffix}`));
  return known ? known[1] : `${kind}-${host}`;
}

/**
 * Who holds the data, for counting independent copies: `aws`, `b2`, `wasabi`, `gcs`, `azure`, the
 * host of a custom endpoint, or `local-<device>` for a folder (`local-<path>` when the device is not
 * known), so two folders on the same disk are one provider.
 */
export function providerOf(d: DestinationConfig, device?: string | null): string {
  switch (d.kind) {
    case 'local':
      return device ? `local-${device}` : `local-${d.path.replace(/[/\\]+$/, '')}`;
    case 's3':
      return d.endpoint ? providerOfEndpoint('s3', d.endpoint) : 'aws';
    case 'b2':
    case 'wasabi':
      return d.kind;
    case 'gcs':
      return d.apiEndpoint ? providerOfEndpoint('gcs', d.apiEndpoint) : 'gcs';
    case 'azure':
      return d.endpoint ? providerOfEndpoint('azure', d.endpoint) : 'azure';
  }
}

/** The facts placement needs about one configured destination. */
export function destinationFacts(
  d: DestinationConfig,
  live: LiveFacts,
  price: PriceFunction,
): DestinationFacts {
  const provider = providerOf(d, live.device);
  const storageClass = storageClassOf(d);
  return {
    name: d.name,
    provider,
    kind: d.kind,
    local: live.local ?? d.kind === 'local',
    regionTags: live.regionTags ?? [],
    health: live.health,
    ...(live.healthReason ? { healthReason: live.healthReason } : {}),
    freeBytes: live.freeBytes ?? null,
    storageClass,
    temperature: temperatureOf(storageClass),
    costPerGBMonth: price(d),
    alreadyHas: live.alreadyHas,
  };
}
