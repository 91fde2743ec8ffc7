import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AzureDestination, type AzureConfig, type AzureOptions } from '../azure/azure.js';
import type { ConformanceHarness } from './conformance.js';
import { freePort, ServerProcess } from './process.js';

/** The emulator's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The conformance harness plus what Azure-specific tests need to reach the same azurite. */
export interface AzuriteHarness extends ConformanceHarness {
  /** Blob endpoint of the running azurite, path-style: `http://127.0.0.1:<port>/devstoreaccount1`. */
  readonly endpoint: string;
  readonly server: ServerProcess;
  /** An SDK client on the emulator account, for tests that look behind the destination's back. */
  service(): BlobServiceClient;
  /** Creates a fresh, empty container and returns its name. */
  newContainer(): Promise<string>;
  /** A destination on a fresh container (or on `config.container`), with config and options overridden. */
  createWith(config?: Partial<AzureConfig>, options?: AzureOptions): Promise<AzureDestination>;
}

const resolve = createRequire(import.meta.url).resolve;
const azuriteBlobMain = resolve('azurite/dist/src/blob/main.js');
const azuriteBlobEnvironment = resolve('azurite/dist/src/blob/BlobEnvironment.js');

/** Seconds azurite keeps an idle connection open (see `launcher`). */
const KEEP_ALIVE_SECONDS = 300;

/**
 * Runs azurite's blob main.js after one fix: azurite 3.35 parses `--blobKeepAliveTimeout` but reads
 * a `keepAliveTimeout` flag that does not exist, so idle connections always close after 5 s. A
 * client whose event loop was busy longer (hashing a large test body) then writes on a socket the
 * server has just closed (EPIPE, socket hang up) in whatever test comes next. Azure keeps idle
 * connections far longer; the fix makes azurite honour the flag.
 */
const launcher = [
  `const Env = require(${JSON.stringify(azuriteBlobEnvironment)}).default;`,
  `Env.prototype.blobKeepAliveTimeout = function () { return Number(this.flags.blobKeepAliveTimeout); };`,
  `process.argv = [process.argv[0], ${JSON.stringify(azuriteBlobMain)}, ...process.argv.slice(1)];`,
  `require(${JSON.stringify(azuriteBlobMain)});`,
].join('\n');

/**
 * azurite's blob service (the real Azure Blob REST API, on disk) for the conformance suite: started
 * once on a free port, a fresh container per destination, stopped and restarted on the same port and
 * location to play an outage. Emulator specifics (path-style endpoint, the development account) live
 * here, never in azure.ts.
 */
export function azureHarness(): AzuriteHarness {
  let location = '';
  let server: ServerProcess | undefined;
  let counter = 0;

  const running = (): ServerProcess => {
    if (!server) throw new Error('azurite harness: setup() has not run');
    return server;
  };
  const endpoint = () => `http://127.0.0.1:${running().port}/${AZURITE_ACCOUNT}`;
  const service = () =>
    new BlobServiceClient(endpoint(), new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY), {
      retryOptions: { maxTries: 1 },
    });
  const freshName = () => `keepsake-${++counter}-${randomBytes(4).toString('hex')}`;
  const baseConfig = (container: string): AzureConfig => ({
    name: 'test-azure',
    container,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    endpoint: endpoint(),
  });
  // Pages of 1000 so the suite's 1105 objects span two list pages (the service default is 5000).
  const defaultOptions: AzureOptions = { listPageSize: 1000 };

  const harness: AzuriteHarness = {
    get endpoint() {
      return endpoint();
    },
    get server() {
      return running();
    },
    service,

    async setup() {
      location = await mkdtemp(join(tmpdir(), 'keepsake-azurite-'));
      const port = await freePort();
      server = new ServerProcess({
        name: 'azurite',
        command: process.execPath,
        args: [
          '-e',
          launcher,
          '--',
          '--blobHost',
          '127.0.0.1',
          '--blobPort',
          String(port),
          '--location',
          location,
          '--skipApiVersionCheck',
          '--loose',
          '--disableTelemetry',
          '--silent',
          '--blobKeepAliveTimeout',
          String(KEEP_ALIVE_SECONDS),
        ],
        port,
      });
      await server.start();
    },

    async teardown() {
      await server?.stop();
      server = undefined;
      if (location) await rm(location, { recursive: true, force: true });
    },

    async newContainer() {
      const name = freshName();
      await service().getContainerClient(name).create();
      return name;
    },

    async createWith(config = {}, options = {}) {
      const container = config.container ?? (await harness.newContainer());
      return new AzureDestination({ ...baseConfig(container), ...config }, { ...defaultOptions, ...options });
    },

    async create() {
      return harness.createWith();
    },

    async createMissingContainer() {
      return new AzureDestination(
        { ...baseConfig(`missing-${freshName()}`), name: 'test-azure-missing' },
        defaultOptions,
      );
    },

    async createBadCredentials() {
      // azurite checks shared-key signatures; this key signs every request wrongly.
      const container = await harness.newContainer();
      return new AzureDestination(
        { ...baseConfig(container), name: 'test-azure-badkey', accountKey: 'wrong-secret-0123456789abcdef' },
        defaultOptions,
      );
    },

    async makeUnavailable() {
      const s = running();
      await s.stop();
      return () => s.start();
    },

    largeObjectSize: 24 * 1024 * 1024,
    colderClass: 'Cool',
    resumable: true,
  };
  return harness;
}
