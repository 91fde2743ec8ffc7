import { DestinationError } from './errors.js';

const segment = /^[A-Za-z0-9._-]+$/;

/** Checks that a key is one every destination can store safely (see Destination's doc comment). */
export function assertValidKey(destination: string, key: string): void {
  const parts = key.split('/');
  if (
    key.length === 0 ||
    key.length > 900 ||
    parts.some((p) => !segment.test(p) || p === '.' || p === '..')
  ) {
    throw new DestinationError('permanent', destination, `invalid object key ${JSON.stringify(key)}`);
  }
}
