import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';

/** One receiver of a fanned-out read: a pass-through stream consumed by a destination's `put`. */
export interface Branch {
  readonly sink: PassThrough;
  /** Settles when the consumer is done; its rejection is kept in `error`, never thrown. */
  readonly done: Promise<void>;
  error: unknown;
}

/** Starts a branch whose consumer (a destination's put) reads from the returned sink. */
export function branch(consume: (body: Readable) => Promise<void>, highWaterMark = 4 * 1024 * 1024): Branch {
  const sink = new PassThrough({ highWaterMark });
  const b: Branch = { sink, error: undefined, done: Promise.resolve() };
  (b as { done: Promise<void> }).done = consume(sink).then(
    () => undefined,
    (err: unknown) => {
      b.error = err;
      sink.destroy();
    },
  );
  return b;
}

/**
 * Reads `source` once and gives every chunk to `observe` (the hashers) and to every branch, with
 * backpressure: the read goes at the pace of the slowest healthy branch. A branch that fails is
 * dropped and the others go on, so one dead destination does not stop the rest.
 * Resolves when the source is exhausted and every branch has settled; rejects only if the source fails.
 */
export async function fanOut(
  source: Readable,
  branches: Branch[],
  observe: (chunk: Buffer) => Promise<void> | undefined | void,
): Promise<void> {
  try {
    for await (const chunk of source) {
      // The hash may ask the read to wait (its worker is behind): memory stays bounded.
      const wait = observe(chunk as Buffer);
      if (wait) await wait;
      await Promise.all(branches.map((b) => write(b, chunk as Buffer)));
    }
  } catch (err) {
    for (const b of branches) b.sink.destroy(err as Error);
    await Promise.all(branches.map((b) => b.done));
    throw err;
  }
  for (const b of branches) if (b.error === undefined) b.sink.end();
  await Promise.all(branches.map((b) => b.done));
}

async function write(b: Branch, chunk: Buffer): Promise<void> {
  if (b.error !== undefined || b.sink.destroyed) return;
  if (!b.sink.write(chunk)) {
    // The listeners of the waits that did not win are removed, or every full buffer would leave two.
    const settled = new AbortController();
    const { signal } = settled;
    const closed = once(b.sink, 'close', { signal });
    closed.catch(() => undefined); // its AbortError once another wait won
    try {
      await Promise.race([once(b.sink, 'drain', { signal }).catch(() => undefined), closed, b.done]);
    } finally {
      settled.abort();
    }
  }
}
