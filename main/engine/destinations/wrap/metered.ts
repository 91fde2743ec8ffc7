import type { Readable } from 'node:stream';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from '../destination.js';
import type { DestinationMetrics } from './metrics.js';
import type { DestinationMethod } from './methods.js';
import { relay } from './streams.js';

/** Records every call on a destination into a DestinationMetrics; changes nothing else. */
export class MeteredDestination implements Destination {
  readonly name: string;

  constructor(
    readonly inner: Destination,
    readonly metrics: DestinationMetrics,
  ) {
    this.name = inner.name;
  }

  put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    const counted = relay(body, (chunk, out) => {
      this.metrics.bytesPut += chunk.length;
      out.push(chunk);
    });
    return this.timed('put', () => this.inner.put(key, counted, opts));
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const stream = await this.timed('get', () => this.inner.get(key, range));
    const counted = relay(stream, (chunk, out) => {
      this.metrics.bytesGot += chunk.length;
      out.push(chunk);
    });
    stream.once('error', (err) => this.metrics.recordFailure('get', err));
    return counted;
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.timed('stat', () => this.inner.stat(key));
  }

  digest(key: string): Promise<Digests> {
    return this.timed('digest', () => this.inner.digest(key));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const clock = this.metrics.clock;
    let waitedMs = 0;
    let failure: unknown;
    let finished = false;
    const it = this.inner.list(prefix)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const start = clock.now();
        let next: IteratorResult<ObjectInfo>;
        try {
          next = await it.next();
        } catch (err) {
          failure = err;
          throw err;
        } finally {
          waitedMs += clock.now() - start;
        }
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!finished && failure === undefined) await it.return?.();
      this.metrics.recordCall('list', waitedMs, failure);
    }
  }

  promote(from: string, to: string): Promise<void> {
    return this.timed('promote', () => this.inner.promote(from, to));
  }

  remove(key: string): Promise<void> {
    return this.timed('remove', () => this.inner.remove(key));
  }

  requestRehydration(key: string, opts: RehydrationOptions): Promise<void> {
    return this.timed('requestRehydration', () => this.inner.requestRehydration(key, opts));
  }

  check(): Promise<void> {
    return this.timed('check', () => this.inner.check());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async timed<T>(method: DestinationMethod, call: () => Promise<T>): Promise<T> {
    const clock = this.metrics.clock;
    const start = clock.now();
    try {
      const result = await call();
      this.metrics.recordCall(method, clock.now() - start);
      return result;
    } catch (err) {
      this.metrics.recordCall(method, clock.now() - start, err);
      throw err;
    }
  }
}

/** Wraps `dest` so its calls, bytes, latencies and failures are counted into `sink`. */
export function withMetrics(dest: Destination, sink: DestinationMetrics): MeteredDestination {
  return new MeteredDestination(dest, sink);
}
