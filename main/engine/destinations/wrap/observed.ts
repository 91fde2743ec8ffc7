import type { Readable } from 'node:stream';
import type { Clock } from '../../clock.js';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from '../destination.js';
import type { DestinationMethod } from './methods.js';
import { relay } from './streams.js';

/** One finished call on a destination: what metrics count and what the health monitor learns of. */
export interface CallOutcome {
  method: DestinationMethod;
  /** Clock time the call started: calls started before the breaker last opened or closed are stale. */
  startedAt: number;
  /**
   * How long the call took, in ms: for `get` until the stream was returned, for `list` the time spent
   * waiting for results.
   */
  latencyMs: number;
  /** The failure, when the call failed; a DestinationError's kind says what it means. */
  error?: unknown;
  /**
   * True when the call failed because the caller's side did (a put whose body could not be read):
   * it says nothing about the destination's health, though metrics still count it.
   */
  callerFault?: boolean;
}

/**
 * Whether an outcome is the end of a call (`call`, once per call) or a `get` stream that the call
 * returned and that broke later, while being read (`stream`, with that error).
 */
export type OutcomePhase = 'call' | 'stream';

/** What `withObserver` tells, and the clock it times calls by. */
export interface CallObserver {
  readonly clock: Clock;
  /** Told when each call ends, and again (phase `stream`) when a returned `get` stream breaks. */
  onOutcome(outcome: CallOutcome, phase: OutcomePhase): void;
  /**
   * Told of every chunk of a `put` body as the provider reads it and of a `get` stream as the caller
   * reads it. Without it the streams are passed through untouched.
   */
  onBytes?(method: 'put' | 'get', bytes: number): void;
}

/**
 * Times every call on a destination and tells its outcome to an observer, changing nothing else.
 * It is what both metrics (`withMetrics`) and health reporting (`withHealth`) are made of; put it
 * innermost, under retry and throttle, so it sees each attempt and times the provider alone.
 */
export class ObservedDestination implements Destination {
  readonly name: string;

  constructor(
    readonly inner: Destination,
    private readonly observer: CallObserver,
  ) {
    this.name = inner.name;
  }

  /**
   * A put whose body itself failed (the photo could not be read, the read was abandoned) says nothing
   * about the destination: it is told as `callerFault`, so an unreadable file never marks one down.
   */
  put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    let bodyFailed = false;
    body.once('error', () => (bodyFailed = true));
    const counted = this.counted('put', body);
    return this.timed(
      'put',
      () => this.inner.put(key, counted, opts),
      undefined,
      () => bodyFailed,
    );
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const startedAt = this.observer.clock.now();
    const stream = await this.timed('get', () => this.inner.get(key, range), startedAt);
    const counted = this.counted('get', stream);
    stream.once('error', (error) =>
      this.observer.onOutcome(
        { method: 'get', startedAt, latencyMs: this.observer.clock.now() - startedAt, error },
        'stream',
      ),
    );
    return counted;
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.timed('stat', () => this.inner.stat(key));
  }

  digest(key: string): Promise<Digests> {
    return this.timed('digest', () => this.inner.digest(key));
  }

  /**
   * Told once, when the listing ends, fails or the caller stops early (a success); the latency is
   * the time spent waiting for the provider's results, not the caller's time between them.
   */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const clock = this.observer.clock;
    const startedAt = clock.now();
    let waitedMs = 0;
    let failure: { error: unknown } | undefined;
    let finished = false;
    // Only the provider's own failures count against the call, not the caller's.
    const failed = (error: unknown) => {
      failure = { error };
      return error;
    };
    let it: AsyncIterator<ObjectInfo> | undefined;
    try {
      try {
        it = this.inner.list(prefix)[Symbol.asyncIterator]();
      } catch (error) {
        throw failed(error);
      }
      for (;;) {
        const t = clock.now();
        let next: IteratorResult<ObjectInfo>;
        try {
          next = await it.next();
        } catch (error) {
          throw failed(error);
        } finally {
          waitedMs += clock.now() - t;
        }
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      try {
        // Stopped before the end: let the provider release what it holds.
        if (it && !finished && !failure)
          await it.return?.().catch((error: unknown) => {
            throw failed(error);
          });
      } finally {
        this.observer.onOutcome(
          { method: 'list', startedAt, latencyMs: waitedMs, ...(failure ? { error: failure.error } : {}) },
          'call',
        );
      }
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

  setStorageClass(key: string, storageClass: string): Promise<void> {
    return this.timed('setStorageClass', () => this.inner.setStorageClass(key, storageClass));
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
    startedAt = this.observer.clock.now(),
    callersFault: () => boolean = () => false,
  ): Promise<T> {
    const clock = this.observer.clock;
    try {
      const result = await call();
      this.observer.onOutcome({ method, startedAt, latencyMs: clock.now() - startedAt }, 'call');
      return result;
    } catch (error) {
      const latencyMs = clock.now() - startedAt;
      this.observer.onOutcome(
        { method, startedAt, latencyMs, error, ...(callersFault() ? { callerFault: true } : {}) },
        'call',
      );
      throw error;
    }
  }

  private counted(method: 'put' | 'get', stream: Readable): Readable {
    const onBytes = this.observer.onBytes?.bind(this.observer);
    if (!onBytes) return stream;
    return relay(stream, (chunk, out) => {
      onBytes(method, chunk.length);
      out.push(chunk);
    });
  }
}

/** Wraps `dest` so every call is timed and its outcome (and, if asked, its bytes) told to `observer`. */
export function withObserver(dest: Destination, observer: CallObserver): ObservedDestination {
  return new ObservedDestination(dest, observer);
}
