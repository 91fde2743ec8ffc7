import { DestinationError, type DestinationErrorKind } from '../destinations/errors.js';
import type { Degradation } from './circuit-breaker.js';

/** Where a destination lives, for wording: an unreachable drive and an unreachable server differ. */
export type Locality = 'local' | 'remote';

/** A plain-language reason, and the destination's own message when it is a vetted DestinationError. */
export interface Explanation {
  reason: string;
  detail?: string;
}

/** System error codes anywhere in an error's cause chain: ECONNREFUSED, ENOTFOUND, ... */
export function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 5) return [];
  const e = err as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  const codes = [e.code, e.name].filter((c): c is string => typeof c === 'string');
  codes.push(...errorCodes(e.cause, depth + 1));
  if (Array.isArray(e.errors)) for (const inner of e.errors) codes.push(...errorCodes(inner, depth + 1));
  return codes;
}

/**
 * Why a destination is failing, in words a photographer understands. Decided by the error's kind;
 * for an unreachable server the network code (connection refused, name not found, timed out) only
 * picks the wording. The detail is the DestinationError's message, which never holds credentials;
 * other errors' text is not vetted and is left out.
 */
export function explainFailure(kind: DestinationErrorKind, error: unknown, where: Locality): Explanation {
  const detail = error instanceof DestinationError ? { detail: error.message } : {};
  return { reason: failureReason(kind, error, where), ...detail };
}

function failureReason(kind: DestinationErrorKind, error: unknown, where: Locality): string {
  const codes = errorCodes(error);
  switch (kind) {
    case 'unavailable':
      if (where === 'local') return 'drive unplugged or network share not mounted';
      if (codes.includes('ECONNREFUSED')) return 'connection refused: the server is not answering';
      if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN'))
        return "server not found: check the internet connection and the destination's address";
      if (codes.some((c) => c === 'ETIMEDOUT' || c === 'TimeoutError' || c === 'ProbeTimeout'))
        return 'timed out: the server is not answering';
      if (codes.some((c) => c === 'ENETUNREACH' || c === 'EHOSTUNREACH' || c === 'ENETDOWN'))
        return 'network unreachable: is this computer online?';
      return 'not reachable: the network is down or the service is unavailable';
    case 'transient':
      return where === 'local'
        ? 'the drive keeps failing (input/output errors)'
        : 'connections keep failing: the network is unstable or the server has errors';
    case 'auth':
      return 'bad credentials: the access key or password was refused';
    case 'permission':
      return where === 'local'
        ? 'permission denied: Keepsake may not write to this folder'
        : 'permission denied: the credentials work but lack access to this storage';
    case 'missing-container':
      return where === 'local'
        ? 'the backup folder is missing or is not a folder'
        : 'the bucket or container does not exist';
    case 'full':
      return where === 'local' ? 'the drive is full' : 'the storage quota is used up';
    case 'permanent':
      return 'refused because of a setting (region, certificate or this computer’s clock): see the details';
    case 'integrity':
      return 'what was stored does not match what was sent';
    case 'throttled':
      return 'the provider is asking Keepsake to slow down';
    case 'not-found':
    case 'needs-rehydration':
      return 'answering normally';
  }
}

/** Why a working destination is degraded, in plain words with the numbers that show it. */
export function explainDegradation(d: Degradation): Explanation {
  switch (d.cause) {
    case 'flaky':
      return { reason: `some calls fail: ${d.failed} of the last ${d.calls}` };
    case 'throttled':
      return {
        reason: `the provider is asking Keepsake to slow down (${d.throttled} of the last ${d.calls} calls)`,
      };
    case 'slow':
      return { reason: `slow: calls take up to ${(d.slowestMs / 1000).toFixed(1)} s` };
  }
}
