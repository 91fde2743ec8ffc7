import { DestinationError, type DestinationErrorKind } from '../errors.js';

/** Where a failed GCS call was aimed, so the message names the bucket and (for object calls) the key. */
export interface GcsErrorContext {
  /** What was being done: `put`, `stat`, `list`, ... */
  op: string;
  bucket: string;
  /** Full object name in the bucket; absent for bucket-level calls (check, list). */
  object?: string;
  /** Current time in ms, to turn an HTTP-date `Retry-After` into a delay (seconds form needs none). */
  nowMs?: number;
}

/** Network error codes meaning the server cannot be reached at all. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
]);

/** Network error codes meaning a connection was made but broke or stalled. */
const BROKEN = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Codes the SDK gives its own end-to-end hash checks (upload and download). */
const SDK_INTEGRITY = new Set([
  'FILE_NO_UPLOAD',
  'FILE_NO_UPLOAD_DELETE',
  'MD5_NOT_AVAILABLE',
  'CONTENT_DOWNLOAD_MISMATCH',
]);

const RATE_REASONS = new Set(['ratelimitexceeded', 'userratelimitexceeded', 'slowdown', 'quotaexceeded']);
const AUTH_REASONS = new Set(['autherror', 'required', 'unauthorized', 'invalidcredentials']);

/** The parts of an SDK, gaxios, node-fetch or JSON-API error that say what happened. */
interface Parsed {
  status: number | undefined;
  code: string;
  reasons: string[];
  message: string;
  retryAfter: string | undefined;
  name: string;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

function statusOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n < 600 ? n : undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const v = (get as (n: string) => unknown).call(headers, name);
    return typeof v === 'string' ? v : undefined;
  }
  const rec = asRecord(headers);
  if (!rec) return undefined;
  for (const [k, v] of Object.entries(rec)) {
    if (k.toLowerCase() === name)
      return Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** Reads status, code, reasons and message from the many shapes the SDK's errors come in. */
function parse(err: unknown): Parsed {
  const e = asRecord(err) ?? {};
  const response = asRecord(e.response);
  const data = asRecord(response?.data);
  const apiError = asRecord(data?.error) ?? asRecord(e.error);
  const rawCode = e.code;
  let status =
    statusOf(rawCode) ?? statusOf(e.status) ?? statusOf(response?.status) ?? statusOf(apiError?.code);
  let message = typeof e.message === 'string' ? e.message : typeof err === 'string' ? err : '';
  if (!message && typeof apiError?.message === 'string') message = apiError.message;
  if (status === undefined) {
    // The SDK's resumable upload folds the real failure into the text of a "Retry limit exceeded" error.
    const m = /status: (\d{3})/.exec(message);
    if (m) status = Number(m[1]);
  }
  let code = typeof rawCode === 'string' && statusOf(rawCode) === undefined ? rawCode : '';
  if (!code) {
    const m = /code: ([A-Z_]{4,})/.exec(message);
    if (m?.[1]) code = m[1];
  }
  if (!code && typeof e.errno === 'string') code = e.errno;
  if (!code) {
    const inner = asRecord(e.cause) ?? asRecord(e.error);
    if (typeof inner?.code === 'string') code = inner.code;
  }
  const reasons: string[] = [];
  for (const list of [e.errors, apiError?.errors]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const reason = asRecord(item)?.reason;
      if (typeof reason === 'string') reasons.push(reason.toLowerCase());
      // The resumable upload's "Upload failed" error carries whole JSON-API bodies as its `errors`.
      const inner = asRecord(asRecord(item)?.error);
      if (inner && typeof inner.message === 'string' && (!message || message === 'Upload failed')) {
        message = message ? `${message}: ${inner.message}` : inner.message;
      }
      if (inner && Array.isArray(inner.errors)) {
        for (const sub of inner.errors) {
          const r = asRecord(sub)?.reason;
          if (typeof r === 'string') reasons.push(r.toLowerCase());
        }
      }
    }
  }
  return {
    status,
    code: code.toUpperCase(),
    reasons,
    message,
    retryAfter: header(response?.headers, 'retry-after'),
    name: typeof e.name === 'string' ? e.name : '',
  };
}

/** Milliseconds from a Retry-After header: delta-seconds, or an HTTP date when the time is known. */
export function retryAfterMs(value: string | undefined, nowMs?: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at) || nowMs === undefined) return undefined;
  return Math.max(0, at - nowMs);
}

/** Removes anything that could be a secret (keys, tokens) from provider text before it is shown. */
function redact(text: string): string {
  return text
    .replace(/-----BEGIN [^-]+-----[\s\S]*?(-----END [^-]+-----|$)/g, '[redacted key]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(
      /\b(access_token|refresh_token|id_token|client_secret|private_key|assertion)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi,
      '$1$2[redacted]',
    )
    .replace(/\bya29\.[A-Za-z0-9._-]+/g, '[redacted token]')
    .slice(0, 300);
}

const CREDENTIAL_TROUBLE =
  /invalid_grant|invalid_client|unauthorized_client|could not load the default credentials|could not refresh access token|DECODER routines|no key or keyFile set|invalid jwt|invalid_rapt|account not found/i;
const CHECKSUM_TROUBLE =
  /md5 mismatch|crc32c mismatch|hash[^.]*(doesn't|does not) match|checksum|provided md5|provided crc32c/i;

/**
 * Maps any failure of a `@google-cloud/storage` call to a DestinationError, in this one place:
 * 404 bucket → missing-container, 404 object → not-found, 401 → auth, 403 → permission,
 * 429/rate reasons → throttled (with Retry-After), 412/hash mismatches → integrity,
 * refused/unresolvable connections → unavailable, resets/timeouts/5xx → transient, else permanent.
 * The message names the call, bucket and object, never credentials.
 */
export function classifyGcsError(destination: string, err: unknown, ctx: GcsErrorContext): DestinationError {
  if (err instanceof DestinationError) return err;
  const p = parse(err);
  const where = `${ctx.op} gs://${ctx.bucket}/${ctx.object ?? ''}`;
  const detail = redact(p.message || String(err));
  const make = (kind: DestinationErrorKind, text: string, retryAfter?: number) =>
    new DestinationError(kind, destination, `${where}: ${text}`, {
      cause: err,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    });
  const has = (...reasons: string[]) => reasons.some((r) => p.reasons.includes(r.toLowerCase()));

  if (SDK_INTEGRITY.has(p.code))
    return make('integrity', `stored bytes do not match what was sent (${detail})`);
  if (p.name === 'AbortError' || p.code === 'ABORT_ERR') return make('transient', 'aborted');
  if (UNREACHABLE.has(p.code)) return make('unavailable', `Cloud Storage is not reachable (${p.code})`);
  if (
    BROKEN.has(p.code) ||
    /request-timeout|socket hang up|network timeout/i.test(`${p.name} ${p.message}`)
  ) {
    return make('transient', `connection failed (${p.code || detail})`);
  }

  switch (p.status) {
    case 404: {
      const bucketGone =
        /bucket does not exist|no such bucket|bucket.*not found/i.test(p.message) || ctx.object === undefined;
      return bucketGone
        ? make('missing-container', `bucket ${ctx.bucket} does not exist`)
        : make('not-found', 'no such object');
    }
    case 401:
      return make('auth', `not authenticated: check the service account credentials (${detail})`);
    case 403:
      if (has(...RATE_REASONS)) {
        return make('throttled', `rate limited (${detail})`, retryAfterMs(p.retryAfter, ctx.nowMs));
      }
      return make('permission', `permission denied (${detail})`);
    case 429:
      return make('throttled', `rate limited (${detail})`, retryAfterMs(p.retryAfter, ctx.nowMs));
    case 412:
      return make('integrity', `precondition failed: the object is not the version expected (${detail})`);
    case 408:
      return make('transient', `request timed out (${detail})`);
    case 400:
      if (CHECKSUM_TROUBLE.test(p.message)) return make('integrity', `checksum mismatch (${detail})`);
      if (CREDENTIAL_TROUBLE.test(p.message)) return make('auth', `credentials rejected (${detail})`);
      return make('permanent', `bad request (${detail})`);
    default:
      break;
  }
  if (p.status !== undefined && p.status >= 500) {
    if (has(...RATE_REASONS))
      return make('throttled', `rate limited (${detail})`, retryAfterMs(p.retryAfter, ctx.nowMs));
    return make('transient', `server error ${p.status} (${detail})`);
  }
  if (has(...RATE_REASONS))
    return make('throttled', `rate limited (${detail})`, retryAfterMs(p.retryAfter, ctx.nowMs));
  if (has(...AUTH_REASONS) || CREDENTIAL_TROUBLE.test(p.message)) {
    return make('auth', `credentials rejected (${detail})`);
  }
  if (CHECKSUM_TROUBLE.test(p.message)) return make('integrity', `checksum mismatch (${detail})`);
  return make('permanent', p.status === undefined ? detail : `HTTP ${p.status} (${detail})`);
}
