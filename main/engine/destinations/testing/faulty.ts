import type { Readable } from 'node:stream';
import { systemClock, type Clock } from '../../clock.js';
import type {
  ByteRange,
  Destination,
  Digests,
  ObjectInfo,
  PutOptions,
  RehydrationOptions,
} from '../destination.js';
import { DestinationError, type DestinationErrorKind } from '../errors.js';
import { destinationMethods, type DestinationMethod } from '../wrap/methods.js';
import { relay } from '../wrap/streams.js';

/** What happens to a call a rule picks. */
export type Fault =
  /** The call fails with this kind; with `afterCall` it runs first (a reply lost on the way back). */
  | { type: 'fail'; kind: DestinationErrorKind; message?: string; retryAfterMs?: number; afterCall?: boolean }
  /** The call waits `ms` on the clock before it runs. */
  | { type: 'delay'; ms: number }
  /**
   * `put`: the body stops after `afterBytes` bytes, failing with `kind` (a dropped connection,
   * default `transient`) or, with `end`, ending early (a short body the destination must refuse).
   */
  | { type: 'cut-body'; afterBytes: number; kind?: DestinationErrorKind; end?: boolean }
  /** `get`: the byte at this offset of the returned stream is flipped. */
  | { type: 'corrupt'; atByte: number }
  /** `get`: the stream fails with `kind` after `after` bytes; `list`: after `after` objects. */
  | { type: 'cut-stream'; after: number; kind: DestinationErrorKind };

/** Which calls a fault hits. Calls are counted per rule among those matching `method` and `key`. */
export interface FaultRule {
  method: DestinationMethod;
  /** Only calls whose key passes (`list`: the prefix; `promote`: `from`; `check`: ''). */
  key?: (key: string) => boolean;
  /** Only the nth matching call (1-based). */
  nth?: number;
  /** Only this many matching calls, from the nth on (default: one with `nth`, else all). */
  times?: number;
  fault: Fault;
}

/** A rule once added: how often it struck, and a way to take it back. */
export interface InjectedFault {
  readonly rule: FaultRule;
  /** Matching calls seen so far. */
  readonly seen: number;
  /** Calls the fault was applied to. */
  readonly hits: number;
  remove(): void;
}

interface ActiveRule extends InjectedFault {
  seen: number;
  hits: number;
}

/**
 * A destination that breaks on purpose, for tests of everything above it (wrappers, pipeline): it
 * passes calls to `inner` and injects the faults of the rules added with `inject`. It also counts calls
 * and how many ran at once, so tests can observe retries and concurrency without a mock.
 */
export class FaultyDestination implements Destination {
  readonly name: string;
  private readonly clock: Clock;
  private rules: ActiveRule[] = [];
  private readonly counts = Object.fromEntries(destinationMethods.map((m) => [m, 0])) as Record<
    DestinationMethod,
    number
  >;
  private running = 0;
  private peak = 0;

  constructor(
    readonly inner: Destination,
    opts: { clock?: Clock } = {},
  ) {
    this.name = inner.name;
    this.clock = opts.clock ?? systemClock;
  }

  /** Adds a rule; rules apply in the order added. */
  inject(rule: FaultRule): InjectedFault {
    const active: ActiveRule = {
      rule,
      seen: 0,
      hits: 0,
      remove: () => {
        this.rules = this.rules.filter((r) => r !== active);
      },
    };
    this.rules.push(active);
    return active;
  }

  /** Removes every rule. */
  heal(): void {
    this.rules = [];
  }

  /** Calls made of `method` so far (faulted or not). */
  calls(method: DestinationMethod): number {
    return this.counts[method];
  }

  /** Calls in flight now; a `get` counts until its stream ends or is destroyed. */
  get active(): number {
    return this.running;
  }

  /** The most calls that were in flight at once. */
  get maxActive(): number {
    return this.peak;
  }

  async put(key: string, body: Readable, opts: PutOptions): Promise<void> {
    const done = this.begin();
    try {
      const faults = await this.prepare('put', key);
      for (const f of faults) if (f.type === 'cut-body') body = cutBody(body, f, this.name);
      await this.inner.put(key, body, opts);
      this.failAfter(faults, 'put', key);
    } finally {
      done();
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const done = this.begin();
    let stream: Readable;
    try {
      const faults = await this.prepare('get', key);
      stream = await this.inner.get(key, range);
      try {
        this.failAfter(faults, 'get', key);
      } catch (err) {
        stream.destroy();
        throw err;
      }
      for (const f of faults) {
        if (f.type === 'corrupt') stream = corrupt(stream, f.atByte);
        if (f.type === 'cut-stream')
          stream = cutStream(stream, f.after, this.error(f.kind, `${key}: connection cut`));
      }
    } catch (err) {
      done();
      throw err;
    }
    if (stream.destroyed || stream.readableEnded) done();
    stream.once('end', done).once('close', done);
    return stream;
  }

  stat(key: string): Promise<ObjectInfo> {
    return this.plain('stat', key, () => this.inner.stat(key));
  }

  digest(key: string): Promise<Digests> {
    return this.plain('digest', key, () => this.inner.digest(key));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const done = this.begin();
    try {
      const faults = await this.prepare('list', prefix);
      const cut = faults.find((f) => f.type === 'cut-stream');
      let yielded = 0;
      for await (const info of this.inner.list(prefix)) {
        if (cut && yielded >= cut.after) throw this.error(cut.kind, `listing ${prefix}: connection cut`);
        yielded += 1;
        yield info;
      }
      if (cut && yielded >= cut.after) throw this.error(cut.kind, `listing ${prefix}: connection cut`);
      this.failAfter(faults, 'list', prefix);
    } finally {
      done();
    }
  }

  promote(from: string, to: string): Promise<void> {
    return this.plain('promote', from, () => this.inner.promote(from, to));
  }

  remove(key: string): Promise<void> {
    return this.plain('remove', key, () => this.inner.remove(key));
  }

  requestRehydration(key: string, opts: RehydrationOptions): Promise<void> {
    return this.plain('requestRehydration', key, () => this.inner.requestRehydration(key, opts));
  }

  setStorageClass(key: string, storageClass: string): Promise<void> {
    return this.plain('setStorageClass', key, () => this.inner.setStorageClass(key, storageClass));
  }

  check(): Promise<void> {
    return this.plain('check', '', () => this.inner.check());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async plain<T>(method: DestinationMethod, key: string, call: () => Promise<T>): Promise<T> {
    const done = this.begin();
    try {
      const faults = await this.prepare(method, key);
      const result = await call();
      this.failAfter(faults, method, key);
      return result;
    } finally {
      done();
    }
  }

  /** Marks a call in flight; the returned function ends it (once). */
  private begin(): () => void {
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running -= 1;
    };
  }

  /** Counts the call, picks the faults that hit it, runs delays and before-call failures. */
  private async prepare(method: DestinationMethod, key: string): Promise<Fault[]> {
    this.counts[method] += 1;
    const faults: Fault[] = [];
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.method !== method || (rule.key && !rule.key(key))) continue;
      active.seen += 1;
      const from = rule.nth ?? 1;
      const times = rule.times ?? (rule.nth === undefined ? Infinity : 1);
      if (active.seen < from || active.seen >= from + times) continue;
      active.hits += 1;
      faults.push(rule.fault);
    }
    for (const f of faults) {
      if (f.type === 'delay') await this.clock.sleep(f.ms);
      if (f.type === 'fail' && !f.afterCall) throw this.failure(f, method, key);
    }
    return faults;
  }

  private failAfter(faults: Fault[], method: DestinationMethod, key: string): void {
    for (const f of faults) if (f.type === 'fail' && f.afterCall) throw this.failure(f, method, key);
  }

  private failure(
    f: Extract<Fault, { type: 'fail' }>,
    method: DestinationMethod,
    key: string,
  ): DestinationError {
    return this.error(
      f.kind,
      f.message ?? `injected ${f.kind} fault in ${method} ${key}`.trimEnd(),
      f.retryAfterMs,
    );
  }

  private error(kind: DestinationErrorKind, message: string, retryAfterMs?: number): DestinationError {
    return new DestinationError(
      kind,
      this.name,
      message,
      retryAfterMs === undefined ? undefined : { retryAfterMs },
    );
  }
}

/** `body` stopped after `afterBytes` bytes: ended early, or failed like a dropped connection. */
function cutBody(body: Readable, f: Extract<Fault, { type: 'cut-body' }>, name: string): Readable {
  if (!f.end) {
    return cutStream(
      body,
      f.afterBytes,
      new DestinationError(f.kind ?? 'transient', name, `upload cut after ${f.afterBytes} bytes`),
    );
  }
  let passed = 0;
  let ended = false;
  return relay(body, (chunk, out) => {
    if (ended) return;
    const room = Math.max(0, f.afterBytes - passed);
    passed += chunk.length;
    if (room > 0) out.push(chunk.subarray(0, room));
    if (passed >= f.afterBytes) {
      ended = true;
      out.push(null);
      body.destroy();
    }
  });
}

/**
 * `stream` failing with `error` once `after` bytes have passed (a shorter stream is not cut). The bytes before the cut reach the
 * reader first (a destroyed stream drops what it buffered), as they would from a dropped connection.
 */
function cutStream(stream: Readable, after: number, error: Error): Readable {
  let passed = 0;
  let cut = false;
  const hold = new Promise<void>(() => undefined);
  return relay(stream, (chunk, out) => {
    if (cut) return hold;
    const room = after - passed;
    passed += chunk.length;
    if (room > 0) out.push(chunk.subarray(0, room));
    if (passed < after) return;
    cut = true;
    // The sender stops at once (as on a reset connection), and the reader gets the error after the
    // bytes; the next chunk is never taken, so the relay cannot reach its end before the error.
    stream.destroy();
    failWhenDrained(out, error);
    return hold;
  });
}

function failWhenDrained(out: Readable, error: Error): void {
  if (out.destroyed) return;
  if (out.readableLength === 0) out.destroy(error);
  else setTimeout(() => failWhenDrained(out, error), 1);
}

/** `stream` with the byte at offset `at` flipped (all bits inverted). */
function corrupt(stream: Readable, at: number): Readable {
  let offset = 0;
  return relay(stream, (chunk, out) => {
    if (at >= offset && at < offset + chunk.length) {
      const copy = Buffer.from(chunk);
      copy[at - offset] = (copy[at - offset] ?? 0) ^ 0xff;
      chunk = copy;
    }
    offset += chunk.length;
    out.push(chunk);
  });
}
