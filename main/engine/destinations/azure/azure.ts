import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  BlobSASPermissions,
  StorageSharedKeyCredential,
  type BlobBeginCopyFromUrlPollState,
  type BlobClient,
  type BlockBlobClient,
  type ContainerClient,
} from '@azure/storage-blob';
import { systemClock, type Clock } from '../../clock.js';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from '../destination.js';
import { DestinationError } from '../errors.js';
import { assertValidKey } from '../keys.js';
import {
  containerClientFor,
  normalizePrefix,
  tierFor,
  type AccessTierName,
  type AzureConfig,
} from './config.js';
import { classifyAzureError } from './errors.js';
import {
  rehydrationStateOf,
  type OnlineTier,
  type RehydratePriority,
  type RehydrationState,
} from './rehydration.js';
import { DEFAULT_UPLOAD_TUNING, uploadBlockBlob, type UploadTuning } from './upload.js';

export type { AzureConfig, AccessTierName } from './config.js';
export type { OnlineTier, RehydratePriority, RehydrationState } from './rehydration.js';

/** Engine-side settings of an Azure destination (not user configuration). */
export interface AzureOptions {
  clock?: Clock;
  upload?: Partial<UploadTuning>;
  /** Blobs per list request; the service's maximum, 5000, by default. */
  listPageSize?: number;
  /**
   * Largest object `promote` copies with one synchronous Copy Blob From URL (the service allows up
   * to 256 MiB); larger objects use an asynchronous Copy Blob, polled until it ends.
   */
  syncCopyMaxBytes?: number;
  /** How long `promote` waits for an asynchronous copy before aborting it (default 1 hour). */
  copyTimeoutMs?: number;
}

const SYNC_COPY_MAX_BYTES = 256 * 1024 * 1024;
const HOUR = 60 * 60 * 1000;

/** Copy states in which the blob under a name is not (yet) the object: hidden from every read. */
const unfinishedCopy = new Set(['pending', 'failed', 'aborted']);

/**
 * A destination in an Azure Blob Storage container (or azurite): one block blob per key, under the
 * optional prefix. Every SDK error goes through classifyAzureError; the SDK never retries (wrap/ does).
 *
 * Tiers: objects get `PutOptions.storageClass` or else the configured `accessTier`; temporary puts
 * are Hot (Azure charges early deletion for Cool, Cold and Archive blobs, and cannot copy an
 * archived one), and `promote` gives the final object the configured tier.
 */
export class AzureDestination implements Destination {
  readonly name: string;
  readonly container: string;
  private readonly client: ContainerClient;
  private readonly prefix: string;
  private readonly accessTier: AccessTierName | undefined;
  private readonly clock: Clock;
  private readonly tuning: UploadTuning;
  private readonly listPageSize: number;
  private readonly syncCopyMaxBytes: number;
  private readonly copyTimeoutMs: number;

  constructor(config: AzureConfig, options: AzureOptions = {}) {
    this.name = config.name;
    this.container = config.container;
    this.client = containerClientFor(config);
    this.prefix = normalizePrefix(config.name, config.prefix);
    this.accessTier = config.accessTier;
    this.clock = options.clock ?? systemClock;
    this.tuning = { ...DEFAULT_UPLOAD_TUNING, ...options.upload };
    this.listPageSize = options.listPageSize ?? 5000;
    this.syncCopyMaxBytes = options.syncCopyMaxBytes ?? SYNC_COPY_MAX_BYTES;
    this.copyTimeoutMs = options.copyTimeoutMs ?? HOUR;
  }

  async check(): Promise<void> {
    // Listing one blob needs only list permission (a container SAS has no Get Container Properties)
    // and tells a missing container (404) from bad credentials (403) without writing anything.
    try {
      await this.client.listBlobsFlat({ prefix: this.prefix }).byPage({ maxPageSize: 1 }).next();
    } catch (err) {
      throw this.fail(err, `container "${this.container}"`);
    }
  }

  async put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    assertValidKey(this.name, key);
    const what = this.what(key);
    // A temporary (staging) object is Hot: no minimum storage duration, so removing or promoting it
    // minutes later costs no early-deletion charge, and it can always be copied.
    const tier = opts.temporary ? 'Hot' : tierFor(this.name, opts.storageClass, this.accessTier);
    try {
      await uploadBlockBlob(
        {
          blob: this.blob(key),
          tier,
          tuning: this.tuning,
          integrity: (message) => new DestinationError('integrity', this.name, `${what}: ${message}`),
          sourceFailed: (err) =>
            new DestinationError(
              'transient',
              this.name,
              `${what}: reading the data to send failed: ${(err as Error)?.message ?? String(err)}`,
              { cause: err },
            ),
        },
        body,
        opts,
      );
    } catch (err) {
      body.destroy();
      throw this.fail(err, what);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(this.name, key);
    const what = this.what(key);
    if (range?.length === 0) {
      await this.stat(key);
      return Readable.from([]);
    }
    try {
      // maxRetryRequests 0: the SDK would otherwise re-request a broken download on its own.
      const res = await this.blob(key).download(range?.offset ?? 0, range?.length, { maxRetryRequests: 0 });
      const stream = res.readableStreamBody as Readable | undefined;
      if (res.copyStatus && unfinishedCopy.has(res.copyStatus)) {
        stream?.destroy();
        throw new DestinationError('not-found', this.name, `${what}: not found (still being copied)`);
      }
      if (!stream) return Readable.from([]);
      const out = new PassThrough();
      stream.on('error', (err) => out.destroy(this.fail(err, what)));
      return stream.pipe(out);
    } catch (err) {
      // Azure answers 416 for a range starting at or after the end; a local file yields nothing.
      if (codeOf(err) === 'InvalidRange') return Readable.from([]);
      throw this.fail(err, what);
    }
  }

  async stat(key: string): Promise<ObjectInfo> {
    assertValidKey(this.name, key);
    const props = await this.properties(key);
    return {
      key,
      size: props.contentLength ?? 0,
      modifiedMs: props.lastModified?.getTime() ?? 0,
      ...(props.accessTier ? { storageClass: props.accessTier } : {}),
      archived: props.accessTier === 'Archive',
    };
  }

  /**
   * The blob's Content-MD5. For a block upload that is the whole-object MD5 we committed with the
   * block list, after the service had checked every block against its own MD5; for a single-shot
   * upload the service computed it from the bytes it received. A blob written by another tool
   * without one is read back and hashed.
   */
  async digest(key: string): Promise<Digests> {
    assertValidKey(this.name, key);
    const props = await this.properties(key);
    if (props.contentMD5 && props.contentMD5.length > 0) {
      return { md5: Buffer.from(props.contentMD5).toString('hex') };
    }
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    for await (const chunk of await this.get(key)) {
      md5.update(chunk as Buffer);
      sha256.update(chunk as Buffer);
    }
    return { md5: md5.digest('hex'), sha256: sha256.digest('hex') };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const what = `objects under "${prefix}" in container "${this.container}"`;
    const pages = this.client
      .listBlobsFlat({ prefix: this.prefix + prefix, includeCopy: true })
      .byPage({ maxPageSize: this.listPageSize });
    while (true) {
      let page;
      try {
        page = await pages.next();
      } catch (err) {
        throw this.fail(err, what);
      }
      if (page.done) return;
      for (const item of page.value.segment.blobItems) {
        const p = item.properties;
        if (p.copyStatus && unfinishedCopy.has(p.copyStatus)) continue;
        yield {
          key: item.name.slice(this.prefix.length),
          size: p.contentLength ?? 0,
          modifiedMs: p.lastModified.getTime(),
          ...(p.accessTier ? { storageClass: p.accessTier } : {}),
          archived: p.accessTier === 'Archive',
        };
      }
    }
  }

  /**
   * Server-side copy, then delete `from`. Up to `syncCopyMaxBytes` one Copy Blob From URL, which
   * returns when the copy is complete; beyond, Copy Blob polled until it ends, the half-copied blob
   * being hidden from stat/get/list meanwhile. The copy is pinned to the source version just looked
   * at (If-Match), and the result must have its size and Content-MD5 before `from` is removed.
   */
  async promote(from: string, to: string): Promise<void> {
    assertValidKey(this.name, from);
    assertValidKey(this.name, to);
    const what = `promoting key "${from}" to "${to}" in container "${this.container}"`;
    const source = await this.properties(from);
    if (from === to) return;
    if (source.accessTier === 'Archive') {
      throw new DestinationError(
        'needs-rehydration',
        this.name,
        `${what}: the source is in the Archive tier and cannot be copied before it is rehydrated`,
      );
    }
    const size = source.contentLength ?? 0;
    const target = this.blob(to);
    // The final object gets the configured tier; with none configured no tier is sent and the
    // service applies its default.
    const tier = this.accessTier;
    try {
      const sourceUrl = await this.copySourceUrl(this.blob(from));
      const copyOptions = {
        sourceConditions: { ifMatch: source.etag },
        ...(tier ? { tier } : {}),
      };
      if (size <= this.syncCopyMaxBytes) {
        const res = await target.syncCopyFromURL(sourceUrl, copyOptions);
        if (res.copyStatus !== 'success') {
          throw new DestinationError('transient', this.name, `${what}: the copy ended as ${res.copyStatus}`);
        }
      } else {
        // beginCopyFromURL sends Copy Blob; we poll ourselves, on the engine's clock.
        const poller = await target.beginCopyFromURL(sourceUrl, copyOptions);
        await this.waitForCopy(
          target,
          (poller.getOperationState() as BlobBeginCopyFromUrlPollState).copyId,
          what,
        );
      }
      const copied = await target.getProperties();
      const md5 = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '');
      if (copied.contentLength !== size || md5(copied.contentMD5) !== md5(source.contentMD5)) {
        await target.deleteIfExists().catch(() => undefined);
        throw new DestinationError(
          'integrity',
          this.name,
          `${what}: the copy has ${copied.contentLength} bytes and MD5 ${md5(copied.contentMD5) || 'none'}, ` +
            `the source ${size} bytes and MD5 ${md5(source.contentMD5) || 'none'}`,
        );
      }
      await this.blob(from).deleteIfExists();
    } catch (err) {
      throw this.fail(err, what);
    }
  }

  async remove(key: string): Promise<void> {
    assertValidKey(this.name, key);
    try {
      await this.blob(key).deleteIfExists({ deleteSnapshots: 'include' });
    } catch (err) {
      throw this.fail(err, this.what(key));
    }
  }

  /**
   * The generic rehydration call: `fast` is High priority, the others Standard, to the Hot tier
   * (`days` does not apply: the blob stays online until moved back).
   */
  async requestRehydration(key: string, opts: RehydrationOptions): Promise<void> {
    await this.requestRehydrate(key, opts.speed === 'fast' ? 'High' : 'Standard');
  }

  /** Set Blob Tier: Azure changes a blob's tier in place (from Archive it starts a rehydration). */
  async setStorageClass(key: string, storageClass: string): Promise<void> {
    assertValidKey(this.name, key);
    const tier = tierFor(this.name, storageClass, undefined)!;
    try {
      await this.blob(key).setAccessTier(tier);
    } catch (err) {
      throw this.fail(err, this.what(key));
    }
  }

  /**
   * Asks Azure to bring an archived blob back online (Set Blob Tier). Nothing to do for a blob that
   * is online; for one already rehydrating, only a raise from Standard to High priority is sent.
   */
  async requestRehydrate(key: string, priority: RehydratePriority, to: OnlineTier = 'Hot'): Promise<void> {
    assertValidKey(this.name, key);
    const state = await this.rehydrationState(key);
    if (state.state === 'online') return;
    if (state.state === 'rehydrating' && !(priority === 'High' && state.priority === 'Standard')) return;
    const tier = state.state === 'rehydrating' ? state.to : to;
    try {
      await this.blob(key).setAccessTier(tier, { rehydratePriority: priority });
    } catch (err) {
      throw this.fail(err, this.what(key));
    }
  }

  /** Whether `key` is readable now, archived, or on its way back from the Archive tier. */
  async rehydrationState(key: string): Promise<RehydrationState> {
    assertValidKey(this.name, key);
    return rehydrationStateOf(await this.properties(key));
  }

  /** The SDK holds no handles to release; idle keep-alive sockets close on their own. */
  async close(): Promise<void> {}

  private blob(key: string): BlockBlobClient {
    return this.client.getBlockBlobClient(this.prefix + key);
  }

  private what(key: string): string {
    return `key "${key}" in container "${this.container}"`;
  }

  private fail(err: unknown, what: string): DestinationError {
    return classifyAzureError(err, { destination: this.name, what, nowMs: this.clock.now() });
  }

  /** Properties of a finished blob; a blob still being copied in counts as absent. */
  private async properties(key: string) {
    const what = this.what(key);
    let props;
    try {
      props = await this.blob(key).getProperties();
    } catch (err) {
      throw this.fail(err, what);
    }
    if (props.copyStatus && unfinishedCopy.has(props.copyStatus)) {
      throw new DestinationError('not-found', this.name, `${what}: not found (still being copied)`);
    }
    return props;
  }

  /**
   * A URL the service can read the source from: Copy Blob From URL needs the source authorized by a
   * SAS even within the account. With an account key we sign a short read-only one; with a SAS
   * configuration the blob URL already carries the configured SAS.
   */
  private async copySourceUrl(source: BlobClient): Promise<string> {
    if (!(source.credential instanceof StorageSharedKeyCredential)) return source.url;
    return source.generateSasUrl({
      permissions: BlobSASPermissions.parse('r'),
      expiresOn: new Date(this.clock.now() + this.copyTimeoutMs + HOUR),
    });
  }

  /** Polls an asynchronous copy until it succeeds; on failure or timeout the partial blob is removed. */
  private async waitForCopy(target: BlobClient, copyId: string | undefined, what: string): Promise<void> {
    const deadline = this.clock.now() + this.copyTimeoutMs;
    let delay = 500;
    for (;;) {
      const props = await target.getProperties();
      if (copyId && props.copyId && props.copyId !== copyId) {
        throw new DestinationError('transient', this.name, `${what}: another copy replaced this one`);
      }
      if (props.copyStatus === 'success' || props.copyStatus === undefined) return;
      if (props.copyStatus !== 'pending') {
        await target.deleteIfExists().catch(() => undefined);
        throw new DestinationError('transient', this.name, `${what}: the copy ended as ${props.copyStatus}`);
      }
      if (this.clock.now() >= deadline) {
        if (copyId) await target.abortCopyFromURL(copyId).catch(() => undefined);
        await target.deleteIfExists().catch(() => undefined);
        throw new DestinationError('transient', this.name, `${what}: the copy did not finish in time`);
      }
      await this.clock.sleep(delay);
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: string; details?: { errorCode?: string } } | undefined;
  return e?.details?.errorCode ?? e?.code;
}
