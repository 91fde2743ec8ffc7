import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** What a relay does with each chunk: push what should go downstream (`out.push`), maybe later. */
export type ChunkHandler = (chunk: Buffer, out: Transform) => void | Promise<void>;

/**
 * `source` passed through a chunk handler, tied to it both ways: a source error fails the relay with
 * that same error, and destroying the relay (a put that gave up, a reader that stopped) destroys the
 * source so its file handle is released. Nothing flows until the relay is first read, so a consumer
 * that attaches late (a destination that checks its folder before reading the body) misses nothing:
 * an error of the source before then is held back and surfaces on the first read.
 */
class Relay extends Transform {
  private started = false;
  private early: Error | undefined;

  constructor(
    private readonly source: Readable,
    private readonly onChunk: ChunkHandler,
  ) {
    super();
    source.on('error', (err) => {
      if (this.started) this.destroy(err);
      else this.early ??= err;
    });
  }

  override _read(size: number): void {
    if (!this.started) {
      this.started = true;
      if (this.early) {
        this.destroy(this.early);
        return;
      }
      this.source.pipe(this);
    }
    super._read(size);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let pending: void | Promise<void>;
    try {
      pending = this.onChunk(chunk, this);
    } catch (err) {
      cb(err as Error);
      return;
    }
    if (pending) pending.then(() => cb(), cb);
    else cb();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (!this.source.destroyed && !this.source.readableEnded) this.source.destroy();
    cb(err);
  }
}

/** `source` seen through `onChunk` (see Relay): for counting, pacing or altering a stream in flight. */
export function relay(source: Readable, onChunk: ChunkHandler): Readable {
  return new Relay(source, onChunk);
}
