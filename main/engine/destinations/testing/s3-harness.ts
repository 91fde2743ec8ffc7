import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Destination, type S3Config, type S3Tuning } from '../s3/s3.js';
import type { ConformanceHarness } from './conformance.js';
import { freePort, ServerProcess } from './process.js';

/** s3rver's built-in account; it rejects any other access key id. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** s3rver with the multipart calls it lacks (see the script's header). */
const SERVER_SCRIPT = fileURLToPath(new URL('../s3/testing/s3rver-server.mjs', import.meta.url));

/** The s3rver harness, plus what the S3-specific tests need to build their own destinations. */
export interface S3rverHarness extends ConformanceHarness {
  /** `http://127.0.0.1:<port>` of the running s3rver. */
  readonly endpoint: string;
  /** Creates an empty bucket and returns its name. */
  createBucket(): Promise<string>;
  /** A destination config for `bucket` on this s3rver (path style, s3rver's credentials). */
  config(bucket: string, overrides?: Partial<S3Config>): S3Config;
  /** A raw SDK client on this s3rver, for arranging states a destination never makes (stale uploads). */
  rawClient(): S3Client;
  destination(bucket: string, overrides?: Partial<S3Config>, tuning?: S3Tuning): S3Destination;
  /** How many requests of each S3 call (`UploadPart`, `ListParts`, ...) s3rver received for `bucket`. */
  requestCounts(bucket: string): Promise<Record<string, number>>;
  /** Stops the s3rver process (calls fail until `restart`); its port and data folder are kept. */
  stop(): Promise<void>;
  /** Starts s3rver again on the same port and data folder, stopping it first if it runs. */
  restart(): Promise<void>;
}

/**
 * Conformance harness over a real s3rver process: a fresh bucket per destination, a bucket that does
 * not exist, credentials s3rver refuses, and "unavailable" by stopping the process (restarted on the
 * same port and data folder). Emulator quirks live here and in the server script, never in s3.ts.
 *
 * s3rver 3.7 does not verify SigV4 signatures (its code says "Signature version 4 calculation is
 * unimplemented"), so a wrong secret alone is accepted; it does reject unknown access key ids, so the
 * bad-credentials destination has both a wrong key id and the wrong secret `wrong-secret`.
 */
export function s3Harness(): S3rverHarness {
  let dir = '';
  let server: ServerProcess | undefined;
  let counter = 0;
  const clients: S3Client[] = [];

  const running = (): ServerProcess => {
    if (!server) throw new Error('s3rver harness: setup() was not called');
    return server;
  };
  const endpoint = () => `http://127.0.0.1:${running().port}`;
  const rawClient = () => {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: endpoint(),
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    clients.push(client);
    return client;
  };
  const config = (bucket: string, overrides: Partial<S3Config> = {}): S3Config => ({
    name: 'test-s3',
    bucket,
    region: 'us-east-1',
    endpoint: endpoint(),
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    ...overrides,
  });
  const createBucket = async () => {
    const bucket = `keepsake-${++counter}-${randomBytes(4).toString('hex')}`;
    const client = rawClient();
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  };

  return {
    get endpoint() {
      return endpoint();
    },
    createBucket,
    config,
    rawClient,
    destination: (bucket, overrides, tuning) => new S3Destination(config(bucket, overrides), tuning),
    async requestCounts(bucket) {
      const res = await fetch(`${endpoint()}/_keepsake/requests?bucket=${encodeURIComponent(bucket)}`);
      if (!res.ok) throw new Error(`s3rver request counts: HTTP ${res.status}`);
      return (await res.json()) as Record<string, number>;
    },
    stop: () => running().stop(),
    restart: () => running().restart(),

    async setup() {
      dir = await mkdtemp(join(tmpdir(), 'keepsake-s3rver-'));
      const port = await freePort();
      server = new ServerProcess({
        name: 's3rver',
        command: process.execPath,
        args: [
          '--openssl-legacy-provider',
          SERVER_SCRIPT,
          '--port',
          String(port),
          '--address',
          '127.0.0.1',
          '--directory',
          dir,
          '--silent',
        ],
        port,
      });
      await server.start();
    },
    async teardown() {
      for (const c of clients.splice(0)) c.destroy();
      await server?.stop();
      server = undefined;
      if (dir) await rm(dir, { recursive: true, force: true });
    },
    async create() {
      return new S3Destination(config(await createBucket(), { name: 'test-s3', prefix: 'studio/vault' }));
    },
    async createMissingContainer() {
      return new S3Destination(
        config(`keepsake-missing-${randomBytes(4).toString('hex')}`, { name: 'test-s3-missing' }),
      );
    },
    async createBadCredentials() {
      return new S3Destination(
        config(await createBucket(), {
          name: 'test-s3-badcreds',
          credentials: { accessKeyId: 'KEEPSAKE-WRONG-KEY', secretAccessKey: 'wrong-secret' },
        }),
      );
    },
    async makeUnavailable() {
      const proc = running();
      await proc.stop();
      return () => proc.start();
    },
    largeObjectSize: 24 * 1024 * 1024,
    // s3rver's class list predates GLACIER_IR (it answers InvalidStorageClass): Standard-IA is tested.
    colderClass: 'STANDARD_IA',
    resumable: true,
  };
}
