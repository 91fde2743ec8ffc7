import { DestinationError, type DestinationErrorKind } from '../errors.js';

/** Where an Azure error happened, for the message: never credentials. */
export interface AzureErrorContext {
  /** The destination's name; prefixes the message. */
  destination: string;
  /** What was being done, naming container and key, e.g. `key "a/b" in container "photos"`. */
  what: string;
  /** Clock reading, to turn an HTTP-date `Retry-After` into a delay. */
  nowMs?: number;
}

/** Service error codes (x-ms-error-code) with a fixed meaning, whatever the HTTP status. */
const byServiceCode: Record<string, [DestinationErrorKind, string]> = {
  BlobNotFound: ['not-found', 'not found'],
  ContainerNotFound: ['missing-container', 'the container does not exist'],
  ContainerBeingDeleted: ['missing-container', 'the container is being deleted'],
  ContainerDisabled: ['missing-container', 'the container is disabled'],
  AuthenticationFailed: ['auth', 'the storage account rejected the credentials (wrong key or expired SAS?)'],
  InvalidAuthenticationInfo: ['auth', 'the credentials are malformed'],
  NoAuthenticationInformation: ['auth', 'no credentials were accepted'],
  KeyBasedAuthenticationNotPermitted: ['auth', 'the storage account does not accept account keys'],
  AuthorizationFailure: ['permission', 'not authorized (storage firewall, SAS scope or account settings?)'],
  AuthorizationPermissionMismatch: ['permission', 'the credentials lack the permission for this operation'],
  AuthorizationSourceIPMismatch: ['permission', 'the SAS does not allow this IP address'],
  AuthorizationProtocolMismatch: ['permission', 'the SAS does not allow this protocol'],
  AuthorizationResourceTypeMismatch: ['permission', 'the SAS does not cover this resource type'],
  AuthorizationServiceMismatch: ['permission', 'the SAS does not cover the blob service'],
  InsufficientAccountPermissions: ['permission', 'the account lacks the permission for this operation'],
  AccountIsDisabled: ['permission', 'the storage account is disabled'],
  ServerBusy: ['throttled', 'the storage account is busy (throttled)'],
  OperationTimedOut: ['transient', 'the service timed out'],
  InternalError: ['transient', 'internal service error'],
  Md5Mismatch: ['integrity', 'the service computed another MD5 than was sent (damaged in transit)'],
  InvalidMd5: ['integrity', 'the MD5 sent is malformed'],
  Crc64Mismatch: ['integrity', 'the service computed another CRC64 than was sent (damaged in transit)'],
  // Our staged blocks are gone: a concurrent upload to the same key committed first (which discards
  // other uncommitted blocks) or they were garbage-collected. Sending the object again works.
  InvalidBlockList: ['transient', 'the staged blocks are gone (another upload to the same key?)'],
  BlobArchived: ['needs-rehydration', 'the blob is in the Archive tier and must be rehydrated first'],
  BlobBeingRehydrated: ['needs-rehydration', 'the blob is being rehydrated from the Archive tier'],
  // The source changed between our look at it and the copy (promote pins the version it checked).
  SourceConditionNotMet: ['transient', 'the object changed while being copied'],
  ConditionNotMet: ['transient', 'the object changed during the operation'],
};

/** Node network error codes, as core-rest-pipeline passes them on in RestError.code. */
const byNetworkCode: Record<string, [DestinationErrorKind, string]> = {
  ECONNREFUSED: ['unavailable', 'connection refused (service down or wrong endpoint?)'],
  ENOTFOUND: ['unavailable', 'host not found (offline or wrong account name?)'],
  EAI_AGAIN: ['unavailable', 'DNS lookup failed (offline?)'],
  EHOSTUNREACH: ['unavailable', 'host unreachable (offline?)'],
  ENETUNREACH: ['unavailable', 'network unreachable (offline?)'],
  ENETDOWN: ['unavailable', 'network down'],
  EHOSTDOWN: ['unavailable', 'host down'],
  ETIMEDOUT: ['unavailable', 'connection timed out'],
  ECONNRESET: ['transient', 'connection reset'],
  ECONNABORTED: ['transient', 'connection aborted'],
  EPIPE: ['transient', 'connection closed while sending'],
  REQUEST_SEND_ERROR: ['transient', 'the request could not be sent'],
};

interface RestErrorShape {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  details?: { errorCode?: string };
  response?: { headers?: { get?(name: string): string | undefined } };
}

/**
 * Maps any error from the Azure SDK or its REST calls to a DestinationError, in this one place: the
 * service code (x-ms-error-code) first, then the network code, then the HTTP status. Messages name
 * what was being done (container and key) and the service's own first line, with SAS signatures and
 * account keys removed; the cause is a redacted copy, never the SDK error with its request.
 */
export function classifyAzureError(err: unknown, ctx: AzureErrorContext): DestinationError {
  if (err instanceof DestinationError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as RestErrorShape;
  const serviceCode =
    e.details?.errorCode ??
    e.response?.headers?.get?.('x-ms-error-code') ??
    (e.statusCode ? e.code : undefined);
  const status = e.statusCode;
  const detail = redactSecrets(firstLine(e.message ?? ''));
  const label = [status, serviceCode ?? e.code].filter((x) => x !== undefined && x !== '').join(' ');

  let kind: DestinationErrorKind;
  let text: string;
  const known = lookup(byServiceCode, serviceCode) ?? lookup(byNetworkCode, e.code);
  if (known) {
    [kind, text] = known;
  } else if (e.name === 'AbortError') {
    [kind, text] = ['transient', 'cancelled'];
  } else if (status === 401) {
    [kind, text] = ['auth', 'the storage account rejected the credentials'];
  } else if (status === 403) {
    [kind, text] = ['permission', 'not authorized'];
  } else if (status === 404) {
    [kind, text] = ['not-found', 'not found'];
  } else if (status === 429 || status === 503) {
    [kind, text] = ['throttled', 'the storage account asked to slow down'];
  } else if (status === 408 || (status !== undefined && status >= 500)) {
    [kind, text] = ['transient', 'temporary service error'];
  } else {
    [kind, text] = ['permanent', 'refused by the service'];
  }

  const retryAfterMs =
    kind === 'throttled' ? parseRetryAfter(e.response?.headers?.get?.('retry-after'), ctx.nowMs) : undefined;
  const suffix = label || detail ? ` (${[label, detail].filter(Boolean).join(': ')})` : '';
  const cause = Object.assign(new Error(redactSecrets(e.message ?? '')), {
    name: 'AzureError',
    code: serviceCode ?? e.code,
    statusCode: status,
  });
  return new DestinationError(kind, ctx.destination, `${ctx.what}: ${text}${suffix}`, {
    cause,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Removes SAS signatures, account keys and shared-key signatures from any text that may hold them. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([?&;]sig=)[^&\s"'<>]*/gi, '$1REDACTED')
    .replace(/(AccountKey=)[^;\s"']*/gi, '$1REDACTED')
    .replace(/(SharedAccessSignature=)[^;\s"']*/gi, '$1REDACTED')
    .replace(/(SharedKey(?:Lite)?\s+[^:\s]+:)\S+/gi, '$1REDACTED');
}

function lookup<T>(table: Record<string, T>, code: string | undefined): T | undefined {
  return code !== undefined && Object.hasOwn(table, code) ? table[code] : undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

/** `Retry-After` is seconds or an HTTP date; a date needs the clock reading to become a delay. */
function parseRetryAfter(value: string | undefined, nowMs: number | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at) || nowMs === undefined) return undefined;
  return Math.max(0, at - nowMs);
}
