import type { Secret } from '../config/credentials.js';
import type { DestinationConfig } from '../config/schema.js';
import type { Destination } from './destination.js';
import { DestinationError } from './errors.js';
import { LocalDestination } from './local/local.js';
import { LazyDestination } from './lazy.js';

/** The secret a destination needs, or an error saying how to provide it. */
function need<K extends Secret['kind']>(
  cfg: DestinationConfig,
  secret: Secret | undefined,
  kind: K,
): Extract<Secret, { kind: K }> {
  if (secret?.kind === kind) return secret as Extract<Secret, { kind: K }>;
  throw new DestinationError(
    'auth',
    cfg.name,
    'no stored credentials: add them again with `keepsake destinations add` (or set credentials to "environment")',
  );
}

/**
 * Builds the provider's Destination for one configured destination (unwrapped; cloud SDKs load on first use). `secret` comes from
 * the credential store when the destination's credentials are `stored`; with `environment` each SDK
 * finds its own (AWS profiles and variables, GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_CONNECTION_STRING).
 */
export function createDestination(cfg: DestinationConfig, secret?: Secret): Destination {
  switch (cfg.kind) {
    case 'local':
      return new LocalDestination(cfg.name, cfg.path);
    case 's3':
    case 'b2':
    case 'wasabi': {
      const s = cfg.credentials === 'stored' ? need(cfg, secret, 's3') : undefined;
      const base = {
        name: cfg.name,
        bucket: cfg.bucket,
        ...(cfg.prefix ? { prefix: cfg.prefix } : {}),
        ...(s ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
      };
      const storageClass = cfg.kind === 's3' && cfg.storageClass ? { storageClass: cfg.storageClass } : {};
      return new LazyDestination(cfg.name, async () => {
        const [{ S3Destination }, presets] = await Promise.all([
          import('./s3/s3.js'),
          import('./s3/presets.js'),
        ]);
        if (cfg.kind === 'b2')
          return new S3Destination(presets.backblazeB2Config({ ...base, region: cfg.region }));
        if (cfg.kind === 'wasabi')
          return new S3Destination(presets.wasabiConfig({ ...base, region: cfg.region }));
        if (cfg.endpoint) {
          return new S3Destination(
            presets.customS3Config({ ...base, endpoint: cfg.endpoint, region: cfg.region, ...storageClass }),
          );
        }
        return new S3Destination(presets.awsS3Config({ ...base, region: cfg.region, ...storageClass }));
      });
    }
    case 'gcs': {
      const s = cfg.credentials === 'stored' ? need(cfg, secret, 'gcs') : undefined;
      return new LazyDestination(cfg.name, async () => {
        const { GcsDestination } = await import('./gcs/gcs.js');
        return new GcsDestination({
          name: cfg.name,
          bucket: cfg.bucket,
          ...(cfg.prefix ? { prefix: cfg.prefix } : {}),
          ...(cfg.projectId ? { projectId: cfg.projectId } : {}),
          ...(cfg.apiEndpoint ? { apiEndpoint: cfg.apiEndpoint } : {}),
          ...(cfg.storageClass ? { storageClass: cfg.storageClass } : {}),
          ...(s ? { credentials: s.serviceAccount as never } : {}),
        });
      });
    }
    case 'azure': {
      const s = cfg.credentials === 'stored' ? need(cfg, secret, 'azure') : undefined;
      const connectionString =
        s?.connectionString ??
        (cfg.credentials === 'environment' ? process.env.AZURE_STORAGE_CONNECTION_STRING : undefined);
      return new LazyDestination(cfg.name, async () => {
        const { AzureDestination } = await import('./azure/azure.js');
        return new AzureDestination({
          name: cfg.name,
          container: cfg.container,
          ...(cfg.prefix ? { prefix: cfg.prefix } : {}),
          ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
          ...(cfg.accountName ? { accountName: cfg.accountName } : {}),
          ...(cfg.accessTier ? { accessTier: cfg.accessTier } : {}),
          ...(connectionString ? { connectionString } : {}),
          ...(s?.accountKey ? { accountKey: s.accountKey } : {}),
          ...(s?.sasUrl ? { sasUrl: s.sasUrl } : {}),
        });
      });
    }
  }
}

/** Where a destination stores, for status output; never includes credentials. */
export function describeLocation(cfg: DestinationConfig): string {
  const under = (p?: string) => (p ? `/${p}` : '');
  switch (cfg.kind) {
    case 'local':
      return cfg.path;
    case 's3':
      return `s3://${cfg.bucket}${under(cfg.prefix)}${cfg.endpoint ? ` at ${cfg.endpoint}` : ` (${cfg.region})`}`;
    case 'b2':
      return `b2://${cfg.bucket}${under(cfg.prefix)} (${cfg.region})`;
    case 'wasabi':
      return `wasabi://${cfg.bucket}${under(cfg.prefix)} (${cfg.region})`;
    case 'gcs':
      return `gs://${cfg.bucket}${under(cfg.prefix)}`;
    case 'azure':
      return `azure://${cfg.accountName ?? 'account'}/${cfg.container}${under(cfg.prefix)}`;
  }
}
