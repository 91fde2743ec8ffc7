import { Transform, type Readable } from 'node:stream';

/**
 * Wraps a GetObject body: its errors become classified DestinationErrors, and a body that ends before
 * the announced Content-Length (a cut connection) fails with `short` instead of ending quietly.
 * Destroying the returned stream releases the connection.
 */
export function guardedBody(
  body: Readable,
  expectedLength: number | undefined,
  classify: (err: unknown) => Error,
  short: (got: number, expected: number) => Error,
): Readable {
  let got = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      got += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      cb(expectedLength !== undefined && got !== expectedLength ? short(got, expectedLength) : null);
    },
  });
  body.once('error', (err) => out.destroy(classify(err)));
  out.once('close', () => {
    if (!body.destroyed) body.destroy();
  });
  return body.pipe(out);
}
