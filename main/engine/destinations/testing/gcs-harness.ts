import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Storage } from '@google-cloud/storage';
import type { ConformanceHarness } from './conformance.js';
import { freePort, ServerProcess } from './process.js';
import { GcsDestination, type GcsConfig } from '../gcs/gcs.js';

const LAUNCHER = fileURLToPath(new URL('./gcs-emulator/launch.mjs', import.meta.url));

/**
 * The Cloud Storage emulator of firebase-tools, run from Node by gcs-emulator/launch.mjs (which also
 * fixes its path, bucket and storage-class gaps; see there). It keeps data in memory only, so a
 * restart loses every bucket and object.
 */
export class GcsEmulator {
  private server: ServerProcess | undefined;

  get endpoint(): string {
    if (!this.server) throw new Error('gcs emulator not started');
    return `http://127.0.0.1:${this.server.port}`;
  }

  async start(): Promise<void> {
    const port = await freePort();
    this.server = new ServerProcess({
      name: 'gcs emulator (firebase-tools)',
      command: process.execPath,
      args: [LAUNCHER, String(port)],
      port,
    });
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** Stops the server; the returned function starts it again on the same port. */
  async interrupt(): Promise<() => Promise<void>> {
    const server = this.server;
    if (!server) throw new Error('gcs emulator not started');
    await server.stop();
    return () => server.start();
  }

  /** Creates a bucket with a fresh name (or `name`) through the JSON API and returns its name. */
  async createBucket(name = `keepsake-test-${randomUUID().slice(0, 12)}`): Promise<string> {
    const storage = new Storage({ apiEndpoint: this.endpoint, projectId: 'keepsake-test' });
    await storage.createBucket(name);
    return name;
  }

  /** A destination on this emulator; uploads are single-request (the emulator ends a session at its first PUT). */
  destination(bucket: string, extra: Partial<GcsConfig> = {}): GcsDestination {
    return new GcsDestination({
      name: 'test-gcs',
      bucket,
      projectId: 'keepsake-test',
      apiEndpoint: this.endpoint,
      resumableChunkSize: undefined,
      ...extra,
    });
  }
}

/**
 * GCS for the conformance suite, on the firebase-tools emulator: a fresh bucket per `create()`,
 * "unavailable" is the emulator stopped. The emulator accepts any credentials (and the SDK sends none
 * to a custom endpoint), so there is no wrong-credentials case.
 */
export function gcsHarness(): ConformanceHarness {
  const emulator = new GcsEmulator();
  return {
    colderClass: 'NEARLINE',
    async setup() {
      await emulator.start();
    },
    async teardown() {
      await emulator.stop();
    },
    async create() {
      return emulator.destination(await emulator.createBucket());
    },
    async createMissingContainer() {
      return emulator.destination(`keepsake-missing-${randomUUID().slice(0, 12)}`, {
        name: 'test-gcs-missing',
      });
    },
    async makeUnavailable(dest) {
      const resume = await emulator.interrupt();
      return async () => {
        await resume();
        // Data lived in memory: the bucket has to be made again after the restart.
        await emulator.createBucket((dest as GcsDestination).bucketName);
      };
    },
  };
}
