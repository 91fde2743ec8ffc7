import { DestinationError, type DestinationErrorKind } from '../errors.js';

/** What a failed S3 call was doing, so the message names the bucket and key (never credentials). */
export interface S3ErrorContext {
  /** Short verb for the message: `put`, `get`, `stat`, `check`, ... */
  op: string;
  bucket: string;
  /** Full object key (prefix included); omitted for bucket-level calls, where a 404 means no bucket. */
  key?: string;
  /** Current time from the destination's Clock, to turn an HTTP-date Retry-After into a delay. */
  nowMs?: number;
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidToken',
  'InvalidSecurity',
  'CredentialsProviderError',
  'ExpiredTokenException',
]);
const PERMISSION_CODES = new Set(['AccessDenied', 'AllAccessDisabled', 'AccountProblem']);
const THROTTLE_CODES = new Set([
  'SlowDown',
  'TooManyRequests',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const INTEGRITY_CODES = new Set([
  'BadDigest',
  'InvalidDigest',
  'XAmzContentSHA256Mismatch',
  'IncompleteBody',
  'InvalidPart',
]);
const FULL_CODES = new Set(['StorageFull', 'XMinioStorageFull', 'QuotaExceeded', 'InsufficientStorage']);
/** Network failures that mean "cannot reach the server at all". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT',
  'TimeoutError',
]);
/** Network failures mid-request: the connection was cut, the next attempt may well work. */
const CUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Every code-like string an error carries: its name, its code, its cause's and aggregated errors' codes. */
function codesOf(err: ErrorShape, depth = 0): string[] {
  const codes = [str(err.code), str(err.Code), str(err.name)].filter((c): c is string => c !== undefined);
  if (depth < 3 && err.cause && typeof err.cause === 'object') codes.push(...codesOf(err.cause, depth + 1));
  if (depth < 3 && Array.isArray(err.errors)) {
    for (const inner of err.errors)
      if (inner && typeof inner === 'object') codes.push(...codesOf(inner, depth + 1));
  }
  return codes;
}

function header(err: ErrorShape, name: string): string | undefined {
  const headers = err.$response?.headers ?? {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Retry-After as milliseconds: delta-seconds, or an HTTP-date when the current time is known. */
function retryAfterMs(err: ErrorShape, nowMs: number | undefined): number | undefined {
  const value = header(err, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at) || nowMs === undefined) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Maps any error of the AWS SDK, the network or an S3-compatible provider to a DestinationError:
 * the one place S3 errors are interpreted, so callers decide from `kind` alone. Messages name the
 * bucket and key and use our own wording for credential problems, so no credential can leak.
 */
export function classifyS3Error(destination: string, err: unknown, ctx: S3ErrorContext): DestinationError {
  if (err instanceof DestinationError) return err;
  const e: ErrorShape = err && typeof err === 'object' ? (err as ErrorShape) : { message: String(err) };
  const codes = codesOf(e);
  const has = (set: ReadonlySet<string>) => codes.some((c) => set.has(c));
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const message = str(e.message) ?? '';
  const where = ctx.key === undefined ? `bucket ${ctx.bucket}` : `${ctx.bucket}/${ctx.key}`;
  const make = (kind: DestinationErrorKind, text: string, extra?: { retryAfterMs?: number }) =>
    new DestinationError(kind, destination, `${ctx.op} ${where}: ${text}`, { cause: err, ...extra });
  const providerSays = () => {
    const code = codes.find((c) => c !== 'Error' && c !== 'UnknownError') ?? 'error';
    return status
      ? `${code} (HTTP ${status})${message ? `: ${message}` : ''}`
      : `${code}${message ? `: ${message}` : ''}`;
  };

  if (codes.includes('AbortError')) return make('transient', 'cancelled');
  if (codes.includes('NoSuchBucket')) return make('missing-container', `bucket ${ctx.bucket} does not exist`);
  if (codes.includes('NoSuchKey') || codes.includes('NoSuchVersion'))
    return make('not-found', 'no such object');
  if (codes.includes('NoSuchUpload')) {
    return make('transient', 'the multipart upload was aborted by someone else while in progress');
  }
  if (has(AUTH_CODES)) {
    return make('auth', 'the access key or secret was refused (wrong, expired or missing credentials)');
  }
  if (codes.includes('RequestTimeTooSkewed')) {
    return make('permanent', "request refused because this computer's clock is wrong; set the correct time");
  }
  if (
    codes.includes('PermanentRedirect') ||
    codes.includes('AuthorizationHeaderMalformed') ||
    status === 301
  ) {
    const region = header(e, 'x-amz-bucket-region');
    return make(
      'permanent',
      `the bucket is in another region${region ? ` (${region})` : ''}; fix the region setting`,
    );
  }
  if (has(PERMISSION_CODES)) {
    // Backblaze B2 reports its caps as AccessDenied; they are quota and rate problems, not permissions.
    if (/storage cap|quota/i.test(message)) return make('full', 'the storage cap or quota is reached');
    if (/transaction cap/i.test(message)) return make('throttled', 'the daily transaction cap is reached');
    return make('permission', 'access denied: the credentials are valid but lack permission for this');
  }
  if (has(THROTTLE_CODES) || status === 429 || (status === 503 && /slow ?down/i.test(message))) {
    const after = retryAfterMs(e, ctx.nowMs);
    return make(
      'throttled',
      'the provider asked to slow down',
      after === undefined ? {} : { retryAfterMs: after },
    );
  }
  if (has(INTEGRITY_CODES))
    return make('integrity', `the provider refused the data as damaged (${providerSays()})`);
  if (codes.includes('InvalidObjectState')) {
    return make('needs-rehydration', 'the object is archived and must be restored before it can be read');
  }
  if (has(FULL_CODES) || status === 507) return make('full', `no space left (${providerSays()})`);
  if (has(UNREACHABLE_CODES)) return make('unavailable', `cannot reach the server (${providerSays()})`);
  if (has(CUT_CODES) || /socket hang up/i.test(message)) {
    return make('transient', `the connection was cut (${providerSays()})`);
  }
  if (has(TLS_CODES))
    return make('permanent', `the server's TLS certificate is not trusted (${providerSays()})`);
  if (codes.includes('ServiceUnavailable') || status === 503) {
    return make('unavailable', `the service is unavailable (${providerSays()})`);
  }
  if (
    codes.includes('InternalError') ||
    codes.includes('RequestTimeout') ||
    (status !== undefined && status >= 500)
  ) {
    return make('transient', `temporary server error (${providerSays()})`);
  }
  if (status === 404 || codes.includes('NotFound')) {
    // A HEAD response has no body, so a 404 carries no code: an object call means no such object,
    // a bucket call (HeadBucket) means no such bucket.
    return ctx.key === undefined
      ? make('missing-container', `bucket ${ctx.bucket} does not exist`)
      : make('not-found', 'no such object');
  }
  if (status === 403 || codes.includes('Forbidden')) {
    // A bodiless 403 (HEAD) cannot tell wrong credentials from missing permissions.
    return make('auth', 'access refused (wrong credentials, or no permission for this bucket)');
  }
  return make('permanent', providerSays());
}
