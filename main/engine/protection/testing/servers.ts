import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { systemClock } from '../../clock.js';
import { newConfig, saveConfig } from '../../config/config-file.js';
import { CredentialStore } from '../../config/credentials.js';
import type { Config } from '../../config/schema.js';
import {
  AZURITE_ACCOUNT,
  AZURITE_KEY,
  azureHarness,
  type AzuriteHarness,
} from '../../destinations/testing/azure-harness.js';
import { FaultProxy } from '../../destinations/testing/fault-proxy.js';
import { s3Harness, type S3rverHarness } from '../../destinations/testing/s3-harness.js';
import { Engine, type EngineOptions } from '../../engine.js';
import { addDestination } from '../../setup/destinations.js';
import { addFolder } from '../../setup/folders.js';
import { randomBytesFor } from '../../testing/corpus.js';

/**
 * The real servers of the protection tests: s3rver behind a FaultProxy (so S3 can be refused, or the
 * server itself stopped and restarted on the same port) and azurite. A server that cannot start is an
 * error, never a skip, so CI fails loudly.
 */
export class ProtectionServers {
  readonly s3: S3rverHarness = s3Harness();
  readonly azure: AzuriteHarness = azureHarness();
  private fault: FaultProxy | undefined;

  /** The proxy in front of s3rver (`start` first). */
  get proxy(): FaultProxy {
    if (!this.fault) throw new Error('ProtectionServers: start() was not called');
    return this.fault;
  }

  /** Starts s3rver, azurite and the proxy (in `pass` mode). */
  async start(): Promise<void> {
    await Promise.all([this.s3.setup!(), this.azure.setup!()]);
    this.fault = await FaultProxy.start({ port: Number(new URL(this.s3.endpoint).port) });
  }

  /** Stops everything `start` started. */
  async stop(): Promise<void> {
    await this.fault?.close();
    await Promise.all([this.s3.teardown!(), this.azure.teardown!()]);
  }

  /** Every key in an S3 bucket, read straight from s3rver (not through the proxy). */
  async s3Keys(bucket: string): Promise<string[]> {
    const client = this.s3.rawClient();
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /** Every blob name in an azurite container. */
  async azureBlobs(container: string): Promise<string[]> {
    const names: string[] = [];
    for await (const b of this.azure.service().getContainerClient(container).listBlobsFlat())
      names.push(b.name);
    return names.sort();
  }
}

/**
 * Adds destination `S3`, a bucket on s3rver reached through the fault proxy, as `keepsake
 * destinations add s3` would (its key in the home's credential store).
 */
export function addS3ThroughProxy(
  config: Config,
  servers: ProtectionServers,
  home: string,
  bucket: string,
  tags?: string[],
): Promise<Config> {
  return addDestination(
    config,
    {
      name: 'S3',
      kind: 's3',
      bucket,
      region: 'us-east-1',
      endpoint: servers.proxy.endpoint,
      credentials: 'environment',
      enabled: true,
      ...(tags ? { tags } : {}),
    },
    systemClock,
    {
      store: new CredentialStore(home),
      secret: { kind: 's3', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    },
  );
}

/** Region tags per destination name (`S3`, `Azure`, `NAS`). */
export type Tags = Partial<Record<'S3' | 'Azure' | 'NAS', string[]>>;

/** A home backing up one weddings folder to S3 (through the proxy), Azure and a NAS folder. */
export interface ThreeDestinationHome {
  root: string;
  home: string;
  weddings: string;
  /** The NAS folder (a local destination with `onLaptop: false`). */
  nas: string;
  bucket: string;
  container: string;
  /** Writes a wedding folder of `count` files of `size` bytes (unique contents); returns its folder. */
  wedding(name: string, count: number, size: number): Promise<string>;
  open(opts?: Partial<EngineOptions>): Engine;
  remove(): Promise<void>;
}

/**
 * A Keepsake home configured as `keepsake destinations add` would: S3 on s3rver through the fault
 * proxy, Azure on azurite and a NAS folder, `protection.copies: "policy"`, files taken at once.
 */
export async function threeDestinationHome(
  servers: ProtectionServers,
  opts: { tags?: Tags; webhookUrl?: string; concurrency?: number } = {},
): Promise<ThreeDestinationHome> {
  const root = await mkdtemp(join(tmpdir(), 'keepsake-protection-'));
  const home = join(root, 'home');
  const weddings = join(root, 'Weddings');
  const nas = join(root, 'nas');
  await mkdir(weddings, { recursive: true });
  const credentials = new CredentialStore(home);
  const bucket = await servers.s3.createBucket();
  const container = await servers.azure.newContainer();
  const tags = opts.tags ?? {};
  let config: Config = addFolder(newConfig(), weddings, 'weddings');
  config = await addS3ThroughProxy(config, servers, home, bucket, tags.S3);
  config = await addDestination(
    config,
    {
      name: 'Azure',
      kind: 'azure',
      container,
      endpoint: servers.azure.endpoint,
      accountName: AZURITE_ACCOUNT,
      credentials: 'environment',
      enabled: true,
      ...(tags.Azure ? { tags: tags.Azure } : {}),
    },
    systemClock,
    { store: credentials, secret: { kind: 'azure', accountKey: AZURITE_KEY } },
  );
  config = await addDestination(
    config,
    {
      name: 'NAS',
      kind: 'local',
      path: nas,
      enabled: true,
      onLaptop: false,
      ...(tags.NAS ? { tags: tags.NAS } : {}),
    },
    systemClock,
  );
  config = {
    ...config,
    protection: { copies: 'policy', laptopCounts: false },
    watch: { stableMs: 0 },
    transfer: { concurrency: opts.concurrency ?? 2, bandwidthLimit: null },
    notifications: { ...config.notifications, webhookUrl: opts.webhookUrl ?? null },
  };
  saveConfig(home, config);
  return {
    root,
    home,
    weddings,
    nas,
    bucket,
    container,
    async wedding(name, count, size) {
      const dir = join(weddings, name);
      for (let i = 1; i <= count; i++) {
        const rel = i % 5 === 0 ? `JPEG/IMG_${1000 + i}.JPG` : `RAW/IMG_${1000 + i}.CR3`;
        const path = join(dir, rel);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, randomBytesFor(`${name}/${rel}`, size + i));
      }
      return dir;
    },
    open: (o = {}) => Engine.open({ home, ...o }),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** Polls `fn` every 100 ms until it returns something truthy; fails after `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 30_000,
): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (performance.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
