import type { DestinationConfig } from '../config/schema.js';
import type { CostTarget } from './model.js';

/**
 * Whose price list and which class a configured destination is billed at. An S3 destination with an
 * `endpoint` is some other S3-compatible server (`custom`); a class left unset is the provider's
 * default for new objects (S3 and GCS: STANDARD, assuming the bucket default was not changed; Azure:
 * Hot, the usual account default).
 */
export function costTarget(d: DestinationConfig): CostTarget {
  const base = { name: d.name, kind: d.kind };
  switch (d.kind) {
    case 'local':
      return { ...base, provider: 'local', storageClass: 'local', region: null };
    case 's3':
      return d.endpoint
        ? { ...base, provider: 'custom', storageClass: 'STANDARD', region: d.region }
        : { ...base, provider: 'aws', storageClass: d.storageClass ?? 'STANDARD', region: d.region };
    case 'b2':
      return { ...base, provider: 'b2', storageClass: 'STANDARD', region: d.region };
    case 'wasabi':
      return { ...base, provider: 'wasabi', storageClass: 'STANDARD', region: d.region };
    case 'gcs':
      return { ...base, provider: 'gcs', storageClass: d.storageClass ?? 'STANDARD', region: null };
    case 'azure':
      return { ...base, provider: 'azure', storageClass: d.accessTier ?? 'Hot', region: null };
  }
}
