import type { Readable } from 'node:stream';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from './destination.js';

/**
 * A destination whose provider SDK is loaded on first use. The cloud SDKs take seconds to load;
 * commands that never talk to a cloud (status, cost, a local-only backup) should not pay for them.
 */
export class LazyDestination implements Destination {
  private loaded: Promise<Destination> | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<Destination>,
  ) {}

  /** The provider's destination, loading its SDK if needed. */
  resolve(): Promise<Destination> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  async put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    return (await this.resolve()).put(key, body, opts);
  }
  async get(key: string, range?: ByteRange): Promise<Readable> {
    return (await this.resolve()).get(key, range);
  }
  async stat(key: string): Promise<ObjectInfo> {
    return (await this.resolve()).stat(key);
  }
  async digest(key: string): Promise<Digests> {
    return (await this.resolve()).digest(key);
  }
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* (await this.resolve()).list(prefix);
  }
  async promote(from: string, to: string): Promise<void> {
    return (await this.resolve()).promote(from, to);
  }
  async remove(key: string): Promise<void> {
    return (await this.resolve()).remove(key);
  }
  async requestRehydration(key: string, opts: RehydrationOptions): Promise<void> {
    return (await this.resolve()).requestRehydration(key, opts);
  }
  async setStorageClass(key: string, storageClass: string): Promise<void> {
    return (await this.resolve()).setStorageClass(key, storageClass);
  }
  async check(): Promise<void> {
    return (await this.resolve()).check();
  }
  async close(): Promise<void> {
    if (this.loaded) await (await this.loaded).close();
  }
}
