import type { Readable } from 'node:stream';
import pLimit, { type LimitFunction } from 'p-limit';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from '../destination.js';
import type { BandwidthLimiter } from './bandwidth.js';
import { relay } from './streams.js';

export interface ThrottleOptions {
  /** Calls in flight at once on this destination (at least 1). */
  concurrency: number;
  /** Paces the bytes of `put` bodies; share one limiter between destinations for a global limit. */
  bandwidth?: BandwidthLimiter;
}

/**
 * Bounds how many calls run at once on one destination and paces upload bytes.
 *
 * A slot is held for as long as the transfer lasts: for `put` until it resolves, for `get` until the
 * returned stream ends, fails or is destroyed (so a caller must read or destroy a stream before waiting
 * on more calls to the same destination than its concurrency), for `list` during each step of the
 * iteration only, so work done per listed object may call the destination without deadlock.
 */
export class ThrottledDestination implements Destination {
  readonly name: string;
  private readonly limit: LimitFunction;
  private readonly bandwidth: BandwidthLimiter | undefined;

  constructor(
    readonly inner: Destination,
    opts: ThrottleOptions,
  ) {
    this.name = inner.name;
    this.limit = pLimit(Math.max(1, Math.floor(opts.concurrency)));
    this.bandwidth = opts.bandwidth;
  }

  async put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    let release: () => void;
    try {
      release = await this.acquire(opts.signal);
    } catch (err) {
      body.destroy();
      throw err;
    }
    try {
      await this.inner.put(key, this.bandwidth ? paced(body, this.bandwidth) : body, opts);
    } finally {
      release();
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const release = await this.acquire();
    let stream: Readable;
    try {
      stream = await this.inner.get(key, range);
    } catch (err) {
      release();
      throw err;
    }
    if (stream.destroyed || stream.readableEnded) release();
    stream.once('end', release).once('close', release);
    return stream;
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.limit(() => this.inner.stat(key));
  }

  digest(key: string): Promise<Digests> {
    return this.limit(() => this.inner.digest(key));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const it = this.inner.list(prefix)[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (;;) {
        const next = await this.limit(() => it.next());
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!finished) await it.return?.();
    }
  }

  promote(from: string, to: string): Promise<void> {
    return this.limit(() => this.inner.promote(from, to));
  }

  remove(key: string): Promise<void> {
    return this.limit(() => this.inner.remove(key));
  }

  requestRehydration(key: string, opts: RehydrationOptions): Promise<void> {
    return this.limit(() => this.inner.requestRehydration(key, opts));
  }

  setStorageClass(key: string, storageClass: string): Promise<void> {
    return this.limit(() => this.inner.setStorageClass(key, storageClass));
  }

  check(): Promise<void> {
    return this.limit(() => this.inner.check());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Waits for a free slot; the returned function frees it (calling it again does nothing). */
  private acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let settled = false;
      const onAbort = () => {
        settled = true;
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.limit(
        () =>
          new Promise<void>((release) => {
            signal?.removeEventListener('abort', onAbort);
            if (settled) return release();
            settled = true;
            let released = false;
            resolve(() => {
              if (released) return;
              released = true;
              release();
            });
          }),
      );
    });
  }
}

/** `body`, let through no faster than `limiter` allows, in pieces of at most its burst size. */
function paced(body: Readable, limiter: BandwidthLimiter): Readable {
  const stop = new AbortController();
  const out = relay(body, async (chunk, sink) => {
    for (let offset = 0; offset < chunk.length;) {
      const piece = chunk.subarray(offset, offset + limiter.burst);
      await limiter.take(piece.length, stop.signal);
      sink.push(piece);
      offset += piece.length;
    }
  });
  out.once('close', () => stop.abort());
  return out;
}

/** Wraps `dest` with a concurrency bound and, optionally, upload pacing (see ThrottledDestination). */
export function withThrottle(dest: Destination, opts: ThrottleOptions): ThrottledDestination {
  return new ThrottledDestination(dest, opts);
}
