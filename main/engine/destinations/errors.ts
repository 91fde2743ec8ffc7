/**
 * The error kinds every destination maps its provider's errors to, in one place per provider.
 * Callers decide on retry, failover and messages from `kind` alone; they never parse provider errors.
 */
export type DestinationErrorKind =
  /** The key does not exist. Permanent for that key. */
  | 'not-found'
  /** Credentials missing, wrong or expired. Permanent until the user fixes them. */
  | 'auth'
  /** Authenticated but not allowed (bucket policy, read-only folder). Permanent until fixed. */
  | 'permission'
  /** The bucket, container or vault folder does not exist (or is not a Keepsake repository). */
  | 'missing-container'
  /** No space or quota left. Retried later; nothing is marked protected meanwhile. */
  | 'full'
  /** Not reachable now: drive unplugged, network down, server stopped. Retried with backoff. */
  | 'unavailable'
  /** The provider asked us to slow down. Retried after `retryAfterMs` or with backoff. */
  | 'throttled'
  /** What was stored is not what was sent (size or checksum). Retried, then reported. */
  | 'integrity'
  /** The object is in an archive class and must be rehydrated before it can be read. */
  | 'needs-rehydration'
  /** Temporary server or network fault (5xx, reset). Retried with backoff. */
  | 'transient'
  /** Anything else the provider says will not work if repeated (bad request, bad config). */
  | 'permanent';

const retriable: ReadonlySet<DestinationErrorKind> = new Set([
  'unavailable',
  'throttled',
  'integrity',
  'transient',
  'full',
]);

export class DestinationError extends Error {
  override readonly name = 'DestinationError';
  constructor(
    readonly kind: DestinationErrorKind,
    /** Name of the destination, so every message says where it happened. */
    readonly destination: string,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(`${destination}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

/** True when repeating the same call later may succeed. Unknown errors are treated as transient. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof DestinationError) return retriable.has(err.kind);
  return true;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof DestinationError && err.kind === 'not-found';
}

export function errorKind(err: unknown): DestinationErrorKind {
  return err instanceof DestinationError ? err.kind : 'transient';
}
