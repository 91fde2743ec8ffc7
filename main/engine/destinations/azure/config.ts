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
 * What the user configures for an Azure Blob destination. Exactly one secret: `connectionString`,
 * or `accountKey` (with `accountName`), or `sasUrl` (a SAS URL of the container, or of the account;
 * the SAS needs read, add, create, write, delete and list permissions). `accountName` alone is
 * ignored beside a connection string or SAS URL, which name the account themselves.
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
  /**
   * Blob endpoint of the account (azurite, sovereign clouds); by default the public one of
   * `accountName`. Replaces the endpoint a connection string names; a SAS URL names its own.
   */
  endpoint?: string;
  /**
   * Tier of every object put or promoted, unless `PutOptions.storageClass` says otherwise; temporary
   * (staging) puts are Hot. None: the account's default tier.
   */
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
  const secrets = [config.connectionString, config.accountKey, config.sasUrl].filter((x) => x !== undefined);
  if (secrets.length !== 1) {
    throw bad(
      'configure exactly one secret: a connection string, an account key (with the account name) or a SAS URL',
    );
  }
  if (config.endpoint !== undefined && !URL.canParse(config.endpoint)) {
    throw bad(`endpoint ${JSON.stringify(config.endpoint)} is not a URL`);
  }

  if (config.connectionString !== undefined) {
    let service: BlobServiceClient;
    try {
      service = BlobServiceClient.fromConnectionString(config.connectionString, pipelineOptions);
    } catch {
      throw bad('the connection string is malformed');
    }
    if (config.endpoint !== undefined) {
      // The configured endpoint wins; the string's credential (account key, or SAS in the URL) stays.
      const sas = new URL(service.url).search;
      service = new BlobServiceClient(
        config.endpoint.replace(/\/+$/, '') + sas,
        service.credential,
        pipelineOptions,
      );
    }
    return service.getContainerClient(config.container);
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
  if (!config.accountName || config.accountKey === undefined) {
    throw bad('an account key needs the account name');
  }
  const endpoint = config.endpoint ?? `https://${config.accountName}.blob.core.windows.net`;
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
