import { MAX_PARTS, MIN_PART_SIZE } from './limits.js';

/**
 * The resume token of an S3 multipart upload: compact JSON naming the upload, its full key, its part
 * size and, for each part of the unbroken run of stored parts from part 1, its number, MD5 and ETag:
 * `{"v":1,"id":"<upload id>","key":"<full key>","ps":<part size>,"parts":[[1,"<md5>"],[2,"<md5>","<etag>"]]}`.
 * The ETag (unquoted) is only written when it differs from the MD5 (SSE-KMS, SSE-C). Opaque to callers.
 */
export interface ResumeToken {
  uploadId: string;
  /** The bucket key (prefix included) the upload writes. */
  key: string;
  partSize: number;
  /** Parts 1..n in order, as they were when the token was made. */
  parts: StoredPart[];
}

/** One part already stored in a multipart upload. */
export interface StoredPart {
  partNumber: number;
  /** Lower-case hex MD5 of the part's bytes. */
  md5: string;
  /** The part's ETag, unquoted and lower-cased (normalizeEtag). */
  etag: string;
}

const VERSION = 1;
/** S3 parts are at most 5 GiB. */
const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
const HEX_MD5 = /^[0-9a-f]{32}$/;

/** The `parts` entry of one part: `[n, md5]`, or `[n, md5, etag]` when the ETag is not the MD5. */
function partEntry(part: StoredPart): string {
  return JSON.stringify(
    part.etag === part.md5 ? [part.partNumber, part.md5] : [part.partNumber, part.md5, part.etag],
  );
}

/**
 * Turns the parts of one upload that become durable, in any order, into tokens: each call to
 * `stored` that extends the unbroken run of parts from part 1 emits one token covering that run,
 * from this one place and in part order. Parts stored beyond a gap wait until the gap is filled.
 */
export class Checkpoints {
  private readonly done = new Map<number, StoredPart>();
  /** Parts 1..run are stored. */
  private run = 0;
  /** `run` when the last token was emitted. */
  private emitted = 0;
  /** The `parts` entries of parts 1..run, comma-separated, built once each (tokens grow with every part). */
  private entries = '';

  constructor(
    readonly uploadId: string,
    readonly key: string,
    readonly partSize: number,
    private readonly onCheckpoint: (token: string) => void,
  ) {}

  /** Number of parts from part 1 on known to be stored. */
  get durable(): number {
    return this.run;
  }

  /**
   * Records `part` as durable. With `announce` false (parts confirmed from an earlier token, which
   * the caller already holds) the run grows silently; the next announced part's token covers them.
   */
  stored(part: StoredPart, announce = true): void {
    this.done.set(part.partNumber, part);
    let next = this.done.get(this.run + 1);
    while (next) {
      this.entries += (this.run === 0 ? '' : ',') + partEntry(next);
      this.done.delete(next.partNumber);
      this.run++;
      next = this.done.get(this.run + 1);
    }
    if (!announce || this.run === this.emitted) return;
    this.emitted = this.run;
    const token = `{"v":${VERSION},"id":${JSON.stringify(this.uploadId)},"key":${JSON.stringify(this.key)},"ps":${this.partSize},"parts":[${this.entries}]}`;
    try {
      this.onCheckpoint(token);
    } catch {
      // The caller's bookkeeping failing must not fail the upload: a resume merely re-sends more.
    }
  }
}

/**
 * The token's content when it is a well-formed token of ours for the bucket key `key`; undefined for
 * anything else (not JSON, another version or key, impossible numbers), which the caller ignores.
 */
export function parseResumeToken(token: string, key: string): ResumeToken | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(token);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const t = raw as { v?: unknown; id?: unknown; key?: unknown; ps?: unknown; parts?: unknown };
  if (t.v !== VERSION || t.key !== key) return undefined;
  if (typeof t.id !== 'string' || t.id.length === 0 || t.id.length > 1024) return undefined;
  if (typeof t.ps !== 'number' || !Number.isSafeInteger(t.ps)) return undefined;
  if (t.ps < MIN_PART_SIZE || t.ps > MAX_PART_SIZE) return undefined;
  if (!Array.isArray(t.parts) || t.parts.length > MAX_PARTS) return undefined;
  const parts: StoredPart[] = [];
  for (const [i, entry] of (t.parts as unknown[]).entries()) {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3) return undefined;
    const [n, md5, etag = md5] = entry as unknown[];
    if (n !== i + 1) return undefined;
    if (typeof md5 !== 'string' || !HEX_MD5.test(md5)) return undefined;
    if (typeof etag !== 'string' || etag.length === 0 || etag.length > 1024) return undefined;
    parts.push({ partNumber: i + 1, md5, etag });
  }
  return { uploadId: t.id, key, partSize: t.ps, parts };
}
