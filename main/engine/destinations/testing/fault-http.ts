import type { Socket } from 'node:net';

/** The server errors the fault proxy can answer with. */
export type FaultHttpStatus = 500 | 503;

/** Body format of an error answer: S3/Azure-style XML, or the GCS JSON API's error object. */
export type FaultHttpFormat = 'xml' | 'json';

const REASONS: Record<FaultHttpStatus, { text: string; code: string; message: string }> = {
  500: { text: 'Internal Server Error', code: 'InternalError', message: 'We encountered an internal error.' },
  503: { text: 'Service Unavailable', code: 'ServiceUnavailable', message: 'The service is unavailable.' },
};

/** The most a request head may grow to before it is answered anyway. */
const MAX_HEAD = 64 * 1024;
/** How long an answered connection may stay half-open before it is dropped. */
const LINGER_MS = 10_000;

/** Paths of the GCS JSON API, whose clients expect a JSON error body. */
const JSON_PATHS = /^\/(upload\/|batch\/)?storage\//;

/**
 * A complete HTTP/1.1 error response with `Connection: close`, a small provider-shaped body and, for
 * 503, `Retry-After: 1`. HEAD requests get the headers only, as HTTP requires.
 */
export function httpErrorResponse(status: FaultHttpStatus, format: FaultHttpFormat, head = false): Buffer {
  const { text, code, message } = REASONS[status];
  const detail = `${message} (fault proxy)`;
  const body =
    format === 'json'
      ? JSON.stringify({
          error: { code: status, message: detail, errors: [{ reason: 'backendError', message: detail }] },
        })
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${detail}</Message><RequestId>fault-proxy</RequestId></Error>`;
  const lines = [
    `HTTP/1.1 ${status} ${text}`,
    `Content-Type: ${format === 'json' ? 'application/json; charset=UTF-8' : 'application/xml'}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...(status === 503 ? ['Retry-After: 1'] : []),
    'x-amz-request-id: fault-proxy',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${head ? '' : body}`);
}

/**
 * Answers the one request arriving on `socket` with `status`, never contacting a server. It reads the
 * request head, then the body when one is announced (unless the client waits for `100-continue`), so
 * the client is not cut off mid-send and reads a clean answer. `format` defaults from the path.
 */
export function answerWithHttpError(
  socket: Socket,
  status: FaultHttpStatus,
  format: FaultHttpFormat | undefined,
  onAnswered: () => void,
): void {
  let head: Buffer = Buffer.alloc(0);
  let bodyLeft: number | undefined;
  let answered = false;
  let method = '';
  let path = '';

  const answer = () => {
    answered = true;
    const chosen = format ?? (JSON_PATHS.test(path) ? 'json' : 'xml');
    socket.end(httpErrorResponse(status, chosen, method === 'HEAD'));
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
    onAnswered();
  };

  socket.on('error', () => socket.destroy());
  socket.on('end', () => socket.destroy());
  // Keeps reading after the answer so unread bytes never turn the close into a reset.
  socket.on('data', (chunk: Buffer) => {
    if (answered) return;
    if (bodyLeft === undefined) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD) answer();
        return;
      }
      const [requestLine = '', ...fields] = head.subarray(0, end).toString('latin1').split('\r\n');
      [method = '', path = ''] = requestLine.split(' ');
      const field = (name: string) =>
        fields
          .find((f) => f.toLowerCase().startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim();
      const length = Number(field('content-length') ?? 0);
      if (field('expect')?.toLowerCase() === '100-continue' || !(length > 0)) {
        answer();
        return;
      }
      bodyLeft = length - (head.length - end - 4);
    } else {
      bodyLeft -= chunk.length;
    }
    if (bodyLeft <= 0) answer();
  });
}
