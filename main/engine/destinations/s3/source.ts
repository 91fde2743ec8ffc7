import { addAbortSignal, type Readable } from 'node:stream';
import { DestinationError } from '../errors.js';
import type { S3Context } from './context.js';

/** The errors `sourceChunks` made of a failing body, so callers can tell them from S3's failures. */
const sourceFailures = new WeakSet<Error>();

/** True when `err` is a body (source) failure reported by `sourceChunks`, not a failure of S3. */
export function isSourceFailure(err: unknown): boolean {
  return err instanceof Error && sourceFailures.has(err);
}

/**
 * The chunks of a body being put, as Buffers. A failing source (a disk read error, a cut network
 * share) becomes a `transient` DestinationError saying so; the caller's signal cancels the read.
 * Stops reading (and destroys the body) when the consumer stops early.
 */
export async function* sourceChunks(
  ctx: S3Context,
  key: string,
  body: Readable,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  if (signal) addAbortSignal(signal, body);
  const it = body[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  let done = false;
  try {
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await it.next();
      } catch (err) {
        done = true;
        if ((err as Error | undefined)?.name === 'AbortError') throw ctx.fail(err, 'put', key);
        const failure = new DestinationError(
          'transient',
          ctx.name,
          `put ${ctx.bucket}/${key}: reading the source failed: ${(err as Error | undefined)?.message ?? String(err)}`,
          { cause: err },
        );
        sourceFailures.add(failure);
        throw failure;
      }
      if (next.done) {
        done = true;
        return;
      }
      const chunk = next.value;
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string | Uint8Array);
    }
  } finally {
    if (!done) await it.return?.();
  }
}
