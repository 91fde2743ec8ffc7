import type { Readable } from 'node:stream';
import type { Clock } from '../clock.js';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from '../destinations/destination.js';
import type { DestinationMethod } from '../destinations/wrap/methods.js';
import type { OutcomeSink } from './outcome.js';

/**
 * Reports the outcome of every call on a destination (method, start, latency, error) to a health
 * monitor, and changes nothing else. Put it innermost, under the retry wrapper, so the monitor sees
 * each attempt, also the failures that retry hides:
 *
 *   wrapDestination(withHealth(provider, monitor, clock), { ... })
 */
export class HealthReportingDestination implements Destination {
  readonly name: string;

  constructor(
    readonly inner: Destination,
    private readonly sink: OutcomeSink,
    private readonly clock: Clock,
  ) {
    this.name = inner.name;
  }

  put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    return this.timed('put', () => this.inner.put(key, body, opts));
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const startedAt = this.clock.now();
    const stream = await this.timed('get', () => this.inner.get(key, range), startedAt);
    // A stream that breaks while being read is a failure of the same call.
    stream.once('error', (error) =>
      this.sink.record(this.name, {
        method: 'get',
        startedAt,
        latencyMs: this.clock.now() - startedAt,
        error,
      }),
    );
    return stream;
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.timed('stat', () => this.inner.stat(key));
  }

  digest(key: string): Promise<Digests> {
    return this.timed('digest', () => this.inner.digest(key));
  }

  /** Reported once, when the listing ends or fails; latency is the time spent waiting for pages. */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const startedAt = this.clock.now();
    let waitedMs = 0;
    let error: unknown;
    let failed = false;
    try {
      const it = this.inner.list(prefix)[Symbol.asyncIterator]();
      try {
        for (;;) {
          const t = this.clock.now();
          let next: IteratorResult<ObjectInfo>;
          try {
            next = await it.next();
          } finally {
            waitedMs += this.clock.now() - t;
          }
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await it.return?.();
      }
    } catch (err) {
      error = err;
      failed = true;
      throw err;
    } finally {
      this.sink.record(this.name, {
        method: 'list',
        startedAt,
        latencyMs: waitedMs,
        ...(failed ? { error } : {}),
      });
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

  private async timed<T>(
    method: DestinationMethod,
    call: () => Promise<T>,
    startedAt = this.clock.now(),
  ): Promise<T> {
    try {
      const result = await call();
      this.sink.record(this.name, { method, startedAt, latencyMs: this.clock.now() - startedAt });
      return result;
    } catch (error) {
      this.sink.record(this.name, { method, startedAt, latencyMs: this.clock.now() - startedAt, error });
      throw error;
    }
  }
}

/** Wraps `dest` so every call's outcome is reported to `sink` (a HealthMonitor). */
export function withHealth(dest: Destination, sink: OutcomeSink, clock: Clock): HealthReportingDestination {
  return new HealthReportingDestination(dest, sink, clock);
}
