/**
 * The resume token of a block upload: which upload it is and how its body is cut. Block ids derive
 * from the upload id, the block's index and the block's MD5, so the blocks the service already holds
 * for the bytes of a new body are found by asking for them: no list of stored blocks is carried.
 * Opaque to callers; a token that does not parse or does not fit is ignored (the upload starts over).
 */
export interface BlockUploadState {
  uploadId: string;
  blockSize: number;
  size: number;
}

const TOKEN_VERSION = 'azblocks1';

export function encodeResumeToken(state: BlockUploadState): string {
  const json = JSON.stringify({ v: TOKEN_VERSION, u: state.uploadId, b: state.blockSize, s: state.size });
  return Buffer.from(json).toString('base64url');
}

/** The state in `token` when it is one of ours for an upload of `size` bytes; otherwise undefined. */
export function decodeResumeToken(token: string | undefined, size: number): BlockUploadState | undefined {
  if (!token) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const t = raw as { v?: unknown; u?: unknown; b?: unknown; s?: unknown };
  if (
    t.v !== TOKEN_VERSION ||
    typeof t.u !== 'string' ||
    !/^[0-9a-f]{32}$/.test(t.u) ||
    typeof t.b !== 'number' ||
    !Number.isSafeInteger(t.b) ||
    t.b <= 0 ||
    t.s !== size
  ) {
    return undefined;
  }
  return { uploadId: t.u, blockSize: t.b, size };
}
