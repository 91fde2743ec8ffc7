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
import { isNotFound, isRetriable } from '../errors.js';
import { backoffDelay } from './backoff.js';
import type { DestinationMethod } from './methods.js';

export interface RetryOptions {
  clock: Clock;
  /** Attempts in all, the first included (default 6). */
  maxAttempts?: number;
  /** Cap of the first backoff; doubles per attempt (default 500 ms). */
  baseDelayMs?: number;
  /** Largest backoff, and the longest Retry-After honoured in-call (default 30 s). */
  maxDelayMs?: number;
  /** Jitter source, uniform in [0, 1) (default Math.random). */
  random?: () => number;
  /** Told before each wait, so callers can log or show "retrying in 4 s". */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Asked after a failure: true stops retrying at once (the health monitor has declared the
   * destination down, so the work is better placed elsewhere now than after a minute of retries).
   */
  giveUp?: () => boolean;
}

/** One retry about to happen: attempt `attempt` failed with `error`; the next starts after `delayMs`. */
export interface RetryEvent {
  destination: string;
  method: DestinationMethod;
  /** The key (for `list` the prefix, for `promote` the source key); absent for `check`. */
  key?: string;
  attempt: number;
  delayMs: number;
  error: unknown;
}

/**
 * Retries calls that failed with a retriable error kind (see `isRetriable`), with exponential backoff
 * and full jitter, honouring Retry-After; gives up after `maxAttempts` with the last error. Kinds that
 * cannot succeed on repeat (auth, permission, not-found, missing-container, permanent) fail at once.
 *
 * What is retried, and what is not:
 * - `put` is NOT retried: its body is a stream that the first attempt consumed, and the wrapper cannot
 *   re-create it. A plain `put` passes through once. Callers that can re-open their source use
 *   `putWithRetry(dest, key, makeBody, opts)` (or `putFrom` here), which calls `makeBody` per attempt.
 * - `get` is retried until the stream is returned; an error while reading the stream is the caller's.
 * - `list` retries starting the iteration (up to the first result); errors after that are the caller's,
 *   since restarting would yield objects twice.
 * - `stat`, `digest`, `remove`, `check` and `promote` are retried whole. A retried `promote` that finds
 *   `from` gone while `to` exists counts as done: an earlier attempt succeeded but its reply was lost.
 */
export class RetryingDestination implements Destination {
  readonly name: string;
  private readonly clock: Clock;
  private readonly maxAttempts: number;
  private readonly policy: { baseDelayMs: number; maxDelayMs: number; random: () => number };
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly giveUp: (() => boolean) | undefined;

  constructor(
    readonly inner: Destination,
    opts: RetryOptions,
  ) {
    this.name = inner.name;
    this.clock = opts.clock;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
    this.policy = {
      baseDelayMs: opts.baseDelayMs ?? 500,
      maxDelayMs: opts.maxDelayMs ?? 30_000,
      random: opts.random ?? Math.random,
    };
    this.onRetry = opts.onRetry;
    this.giveUp = opts.giveUp;
  }

  /** Passes through once: a consumed stream cannot be sent again (see `putFrom`). */
  put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    return this.inner.put(key, body, opts);
  }

  /**
   * `put` with retries: `makeBody` is called for each attempt and must yield the same bytes every time
   * (re-open the file). A body left over from a failed attempt is destroyed. Errors thrown by `makeBody`
   * itself are the source's, not the destination's, and end the call at once.
   */
  putFrom(key: string, makeBody: () => Readable, opts: PutOptions): Promise<void> {
    let sourceFailed = false;
    return this.attempt(
      'put',
      key,
      async () => {
        let body: Readable;
        try {
          body = makeBody();
        } catch (err) {
          sourceFailed = true;
          throw err;
        }
        try {
          await this.inner.put(key, body, opts);
        } finally {
          if (!body.destroyed) body.destroy();
        }
      },
      opts.signal,
      () => sourceFailed,
    );
  }

  get(key: string, range?: ByteRange): Promise<Readable> {
    return this.attempt('get', key, () => this.inner.get(key, range));
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.attempt('stat', key, () => this.inner.stat(key));
  }

  digest(key: string): Promise<Digests> {
    return this.attempt('digest', key, () => this.inner.digest(key));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const { iterator, first } = await this.attempt('list', prefix, async () => {
      const it = this.inner.list(prefix)[Symbol.asyncIterator]();
      try {
        return { iterator: it, first: await it.next() };
      } catch (err) {
        await it.return?.().catch(() => undefined);
        throw err;
      }
    });
    let finished = first.done === true;
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!finished) await iterator.return?.();
    }
  }

  promote(from: string, to: string): Promise<void> {
    let failedBefore = false;
    return this.attempt('promote', from, async () => {
      try {
        await this.inner.promote(from, to);
      } catch (err) {
        if (failedBefore && isNotFound(err) && (await this.exists(to))) return;
        failedBefore = true;
        throw err;
      }
    });
  }

  remove(key: string): Promise<void> {
    return this.attempt('remove', key, () => this.inner.remove(key));
  }

  requestRehydration(key: string, opts: RehydrationOptions): Promise<void> {
    return this.attempt('requestRehydration', key, () => this.inner.requestRehydration(key, opts));
  }

  setStorageClass(key: string, storageClass: string): Promise<void> {
    return this.attempt('setStorageClass', key, () => this.inner.setStorageClass(key, storageClass));
  }

  check(): Promise<void> {
    return this.attempt('check', undefined, () => this.inner.check());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async exists(key: string): Promise<boolean> {
    return this.inner.stat(key).then(
      () => true,
      () => false,
    );
  }

  private async attempt<T>(
    method: DestinationMethod,
    key: string | undefined,
    call: () => Promise<T>,
    signal?: AbortSignal,
    stop?: () => boolean,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (
          attempt >= this.maxAttempts ||
          !isRetriable(err) ||
          signal?.aborted ||
          stop?.() ||
          this.giveUp?.()
        )
          throw err;
        const delayMs = backoffDelay(attempt, err, this.policy);
        if (delayMs === undefined) throw err;
        this.onRetry?.({
          destination: this.name,
          method,
          ...(key === undefined ? {} : { key }),
          attempt,
          delayMs,
          error: err,
        });
        if (delayMs > 0) await this.clock.sleep(delayMs, signal);
      }
    }
  }
}

/** Wraps `dest` so retriable failures are retried with backoff (see RetryingDestination). */
export function withRetry(dest: Destination, opts: RetryOptions): RetryingDestination {
  return new RetryingDestination(dest, opts);
}

/**
 * Stores `makeBody()` under `key`, retrying with a fresh body per attempt when `dest` is a retrying
 * destination (as `wrapDestination` returns); over any other destination it puts once.
 */
export function putWithRetry(
  dest: Destination,
  key: string,
  makeBody: () => Readable,
  opts: PutOptions,
): Promise<void> {
  if (dest instanceof RetryingDestination) return dest.putFrom(key, makeBody, opts);
  return dest.put(key, makeBody(), opts);
}
