import {
  AnonymousCredential,
  BlobServiceClient,
  ContainerClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { DestinationError } from '../errors.js';
import { assertValidKey } from '../keys.js';

/** Azure access tiers a block blob can be put in. */
export type AccessTierName = 'Hot' | 'Cool' | 'Cold' | 'Archive';
export const ACCESS_TIERS: readonly AccessTierName[] = ['Hot', 'Cool', 'Cold', 'Archive'];

/**
 * What the user configures for an Azure Blob destination. Exactly one way to authenticate:
 * `connectionString`, or `accountName` + `accountKey`, or `sasUrl` (a SAS URL of the container, or
 * of the account; the SAS needs read, add, create, write, delete and list permissions).
 */
export interface AzureConfig {
  /** The user's name for this destination; prefixes every error message. */
  name: string;
  container: string;
  /** Every key lives under this folder of the container (`keepsake/studio-a`); none when omitted. */
  prefix?: string;
  connectionString?: string;
  accountName?: string;
  accountKey?: string;
  sasUrl?: string;
  /** Blob endpoint of the account for `accountName` + `accountKey` (azurite, sovereign clouds). */
  endpoint?: string;
  /** Tier set on every object put or promoted, unless `PutOptions.storageClass` says otherwise. */
  accessTier?: AccessTierName;
}

/**
 * Pipeline options for every client: the SDK must not retry on its own (one try per call), because
 * retrying with backoff is the job of the wrap/ layer, which sees every attempt. Checksums stay in
 * the classic mode where we pass MD5s ourselves.
 */
const pipelineOptions: StoragePipelineOptions & {
  uploadContentChecksumAlgorithm: 'Customized';
  downloadContentChecksumAlgorithm: 'Customized';
} = {
  retryOptions: { maxTries: 1 },
  userAgentOptions: { userAgentPrefix: 'keepsake' },
  uploadContentChecksumAlgorithm: 'Customized',
  downloadContentChecksumAlgorithm: 'Customized',
};

const containerName = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** Validates a config and builds the container client for it; errors never echo secrets. */
export function containerClientFor(config: AzureConfig): ContainerClient {
  const bad = (message: string) => new DestinationError('permanent', config.name, message);
  if (!containerName.test(config.container)) {
    throw bad(
      `container name ${JSON.stringify(config.container)} is not valid for Azure ` +
        '(3-63 lower-case letters, digits and single hyphens)',
    );
  }
  if (config.accessTier !== undefined && !ACCESS_TIERS.includes(config.accessTier)) {
    throw bad(`access tier ${JSON.stringify(config.accessTier)} is not one of ${ACCESS_TIERS.join(', ')}`);
  }
  const forms = [
    config.connectionString !== undefined,
    config.accountName !== undefined || config.accountKey !== undefined,
    config.sasUrl !== undefined,
  ].filter(Boolean).length;
  if (forms !== 1) {
    throw bad('configure exactly one of: a connection string, an account name and key, or a SAS URL');
  }
  if (config.endpoint !== undefined && (config.connectionString !== undefined || config.sasUrl !== undefined)) {
    throw bad('an endpoint only goes with an account name and key (connection strings and SAS URLs hold one)');
  }

  if (config.connectionString !== undefined) {
    try {
      return BlobServiceClient.fromConnectionString(config.connectionString, pipelineOptions).getContainerClient(
        config.container,
      );
    } catch {
      throw bad('the connection string is malformed');
    }
  }
  if (config.sasUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(config.sasUrl);
    } catch {
      throw bad('the SAS URL is malformed');
    }
    if (!url.searchParams.has('sig')) throw bad('the SAS URL carries no signature (sig=)');
    // A container SAS URL ends in the container; an account SAS URL gets it appended.
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments.at(-1) !== config.container) url.pathname = [...segments, config.container].join('/');
    return new ContainerClient(url.toString(), new AnonymousCredential(), pipelineOptions);
  }
  if (!config.accountName || !config.accountKey) {
    throw bad('an account name needs an account key (and the other way round)');
  }
  const endpoint = config.endpoint ?? `https://${config.accountName}.blob.core.windows.net`;
  if (!URL.canParse(endpoint)) throw bad(`endpoint ${JSON.stringify(endpoint)} is not a URL`);
  const credential = new StorageSharedKeyCredential(config.accountName, config.accountKey);
  return new BlobServiceClient(endpoint, credential, pipelineOptions).getContainerClient(config.container);
}

/** The prefix as stored: no leading or trailing slash, then one trailing slash (or empty). */
export function normalizePrefix(name: string, prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  assertValidKey(name, trimmed);
  return `${trimmed}/`;
}

/** The tier named by a storage class (any case), or the configured one; unknown names are refused. */
export function tierFor(
  name: string,
  storageClass: string | undefined,
  configured: AccessTierName | undefined,
): AccessTierName | undefined {
  if (storageClass === undefined) return configured;
  const tier = ACCESS_TIERS.find((t) => t.toLowerCase() === storageClass.toLowerCase());
  if (!tier) {
    throw new DestinationError(
      'permanent',
      name,
      `storage class ${JSON.stringify(storageClass)} is not an Azure access tier (${ACCESS_TIERS.join(', ')})`,
    );
  }
  return tier;
}
