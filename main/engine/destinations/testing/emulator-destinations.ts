/**
 * Adds an azurite or GCS-emulator destination to a config as `keepsake destinations add` would
 * (setup/destinations.ts), for the engine tests that back up to the emulators.
 */
import { systemClock } from '../../clock.js';
import type { CredentialStore } from '../../config/credentials.js';
import type { Config } from '../../config/schema.js';
import { addDestination, type EncryptionSetup } from '../../setup/destinations.js';
import { AZURITE_ACCOUNT, AZURITE_KEY, type AzuriteHarness } from './azure-harness.js';
import type { GcsEmulator } from './gcs-harness.js';

/** `Azure` (or `name`) on a fresh azurite container, its account key in `credentials`. */
export async function addAzurite(
  config: Config,
  azure: AzuriteHarness,
  credentials: Pick<CredentialStore, 'set'>,
  opts: { name?: string; tags?: string[]; encryption?: EncryptionSetup } = {},
): Promise<Config> {
  return addDestination(
    config,
    {
      name: opts.name ?? 'Azure',
      kind: 'azure',
      container: await azure.newContainer(),
      endpoint: azure.endpoint,
      accountName: AZURITE_ACCOUNT,
      credentials: 'environment',
      enabled: true,
      ...(opts.tags ? { tags: opts.tags } : {}),
    },
    systemClock,
    { store: credentials, secret: { kind: 'azure', accountKey: AZURITE_KEY } },
    opts.encryption,
  );
}

/** `GCS` (or `name`) on a fresh emulator bucket (the emulator needs no credentials). */
export async function addGcsEmulator(
  config: Config,
  gcs: GcsEmulator,
  opts: { name?: string; encryption?: EncryptionSetup } = {},
): Promise<Config> {
  return addDestination(
    config,
    {
      name: opts.name ?? 'GCS',
      kind: 'gcs',
      bucket: await gcs.createBucket(),
      apiEndpoint: gcs.endpoint,
      projectId: 'keepsake-test',
      credentials: 'environment',
      enabled: true,
    },
    systemClock,
    undefined,
    opts.encryption,
  );
}
