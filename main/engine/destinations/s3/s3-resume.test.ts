import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError, type DestinationErrorKind } from '../errors.js';
import { readAll } from '../testing/conformance.js';
import { s3Harness } from '../testing/s3-harness.js';
import type { S3Destination } from './s3.js';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** 5 MiB parts (S3's minimum), 4 in flight: the default queue. */
const tuning = { partSize: 5 * MiB, queueSize: 4 };

/** `data` in 1 MiB chunks, up to byte `at`; then the read fails like a dropped network share. */
function cutBody(data: Buffer, at: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= at) {
        this.destroy(new Error('network share disconnected'));
        return;
      }
      const end = Math.min(at, sent + MiB);
      this.push(data.subarray(sent, end));
      sent = end;
    },
  });
}

/** All of `data`, in 1 MiB chunks. */
function wholeBody(data: Buffer): Readable {
  return Readable.from(
    Array.from({ length: Math.ceil(data.length / MiB) }, (_, i) => data.subarray(i * MiB, (i + 1) * MiB)),
  );
}

/** The number of parts a token records (the format is S3's own: resume-token.ts). */
function partsIn(token: string | undefined): number {
  return (JSON.parse(token ?? 'null') as { parts: unknown[] }).parts.length;
}

async function kindOf(promise: Promise<unknown>): Promise<DestinationErrorKind | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    expect(err).toBeInstanceOf(DestinationError);
    return (err as DestinationError).kind;
  }
}

describe('S3 resumable uploads on s3rver', () => {
  const harness = s3Harness();
  let client: S3Client;
  beforeAll(async () => {
    await harness.setup!();
    client = harness.rawClient();
  });
  afterAll(async () => {
    await harness.teardown!();
  });

  const uploadsIn = async (bucket: string) => {
    const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    return (out.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '' }));
  };

  /** What s3rver received for `bucket` while `run` ran, by call. */
  const requestsDuring = async (bucket: string, run: () => Promise<unknown>) => {
    const before = await harness.requestCounts(bucket);
    await run();
    const after = await harness.requestCounts(bucket);
    const calls = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
    return calls;
  };

  /** Puts the first `at` bytes of `data` under `key`, failing there; returns the checkpoints received. */
  const interrupted = async (dest: S3Destination, key: string, data: Buffer, at: number) => {
    const tokens: string[] = [];
    const err = await dest
      .put(key, cutBody(data, at), {
        size: data.length,
        resume: { onCheckpoint: (t) => void tokens.push(t) },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(DestinationError);
    expect((err as DestinationError).kind).toBe('transient');
    expect((err as DestinationError).message).toMatch(
      /reading the source failed: network share disconnected/,
    );
    return tokens;
  };

  const expectStored = async (dest: S3Destination, key: string, data: Buffer) => {
    expect((await dest.stat(key)).size).toBe(data.length);
    expect(sha256(await readAll(await dest.get(key)))).toBe(sha256(data));
  };

  it('checkpoints stored parts in order and resumes by sending only the missing parts', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, tuning);
    try {
      const data = randomBytes(40 * MiB);
      let tokens: string[] = [];
      const first = await requestsDuring(bucket, async () => {
        // Three whole parts and 2 MiB of the fourth are read before the source fails.
        tokens = await interrupted(dest, 'staging/big', data, 17 * MiB);
      });
      expect(first('UploadPart')).toBe(3);
      expect(tokens.length).toBeGreaterThan(0);
      const counts = tokens.map(partsIn);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(new Set(counts).size).toBe(counts.length);
      expect(counts[counts.length - 1]).toBe(3);
      const last = JSON.parse(tokens[tokens.length - 1]!) as { id: string; key: string; ps: number };
      expect(last.key).toBe('vault/staging/big');
      expect(last.ps).toBe(5 * MiB);
      // Nothing is visible under the key; the upload is kept for the token.
      expect(await kindOf(dest.stat('staging/big'))).toBe('not-found');
      expect(await uploadsIn(bucket)).toEqual([{ key: 'vault/staging/big', uploadId: last.id }]);

      const later: string[] = [];
      const second = await requestsDuring(bucket, () =>
        dest.put('staging/big', wholeBody(data), {
          size: data.length,
          expect: { sha256: sha256(data) },
          resume: { token: tokens[tokens.length - 1]!, onCheckpoint: (t) => void later.push(t) },
        }),
      );
      expect(second('ListParts')).toBe(1);
      expect(second('CreateMultipartUpload')).toBe(0);
      expect(second('UploadPart')).toBe(5);
      expect(second('CompleteMultipartUpload')).toBe(1);
      expect(later.map(partsIn).slice(-1)).toEqual([8]);
      expect(later.every((t) => (JSON.parse(t) as { id: string }).id === last.id)).toBe(true);
      await expectStored(dest, 'staging/big', data);
      expect(await dest.digest('staging/big')).toEqual({ sha256: sha256(data) });
      expect(await uploadsIn(bucket)).toEqual([]);
    } finally {
      await dest.close();
    }
  });

  it('starts over when the body has other bytes than the stored parts', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, tuning);
    try {
      const original = randomBytes(40 * MiB);
      const tokens = await interrupted(dest, 'staging/a', original, 17 * MiB);
      expect(partsIn(tokens[tokens.length - 1])).toBe(3);
      const other = randomBytes(40 * MiB);
      const calls = await requestsDuring(bucket, () =>
        dest.put('staging/a', wholeBody(other), {
          size: other.length,
          expect: { sha256: sha256(other) },
          resume: { token: tokens[tokens.length - 1]!, onCheckpoint: () => undefined },
        }),
      );
      // The first part differs: the old upload is aborted and all eight parts go to a new one.
      expect(calls('AbortMultipartUpload')).toBe(1);
      expect(calls('CreateMultipartUpload')).toBe(1);
      expect(calls('UploadPart')).toBe(8);
      await expectStored(dest, 'staging/a', other);
      expect(await uploadsIn(bucket)).toEqual([]);

      // Only the second part differs (a file changed in the middle): part 1 holds these very bytes.
      const half = original.subarray(0, 20 * MiB);
      const again = await interrupted(dest, 'staging/b', half, 12 * MiB);
      expect(partsIn(again[again.length - 1])).toBe(2);
      const edited = Buffer.from(half);
      edited[7 * MiB] = edited[7 * MiB]! ^ 0x01;
      const calls2 = await requestsDuring(bucket, () =>
        dest.put('staging/b', wholeBody(edited), {
          size: edited.length,
          resume: { token: again[again.length - 1]!, onCheckpoint: () => undefined },
        }),
      );
      expect(calls2('CreateMultipartUpload')).toBe(0);
      expect(calls2('AbortMultipartUpload')).toBe(0);
      expect(calls2('UploadPart')).toBe(3);
      await expectStored(dest, 'staging/b', edited);
      expect(await uploadsIn(bucket)).toEqual([]);
    } finally {
      await dest.close();
    }
  });

  it('ignores garbage and foreign tokens and uploads afresh', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, tuning);
    try {
      const data = randomBytes(11 * MiB);
      for (const token of [
        'not json {',
        'null',
        '{"v":1,"id":"x","key":"vault/staging/g","ps":1,"parts":[]}',
      ]) {
        const tokens: string[] = [];
        const calls = await requestsDuring(bucket, () =>
          dest.put('staging/g', wholeBody(data), {
            size: data.length,
            resume: { token, onCheckpoint: (t) => void tokens.push(t) },
          }),
        );
        expect(calls('ListParts')).toBe(0);
        expect(calls('CreateMultipartUpload')).toBe(1);
        expect(calls('UploadPart')).toBe(3);
        expect(partsIn(tokens[tokens.length - 1])).toBe(3);
        await expectStored(dest, 'staging/g', data);
      }

      // A real token of another key: left alone, and this key's upload starts afresh.
      const big = randomBytes(20 * MiB);
      const foreign = await interrupted(dest, 'staging/other', big, 12 * MiB);
      expect(foreign.length).toBeGreaterThan(0);
      const calls = await requestsDuring(bucket, () =>
        dest.put('staging/mine', wholeBody(big), {
          size: big.length,
          resume: { token: foreign[foreign.length - 1]!, onCheckpoint: () => undefined },
        }),
      );
      expect(calls('ListParts')).toBe(0);
      expect(calls('UploadPart')).toBe(4);
      await expectStored(dest, 'staging/mine', big);
      expect((await uploadsIn(bucket)).map((u) => u.key)).toEqual(['vault/staging/other']);
    } finally {
      await dest.close();
    }
  });

  it('starts over when the upload of the token was aborted, expired or does not match it', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, tuning);
    try {
      const data = randomBytes(20 * MiB);
      const tokens = await interrupted(dest, 'staging/x', data, 12 * MiB);
      expect(partsIn(tokens[tokens.length - 1])).toBe(2);
      // What S3 does to an upload after a lifecycle rule's days, or what abortStaleUploads does.
      expect((await dest.abortStaleUploads(0)).map((u) => u.key)).toEqual(['staging/x']);
      const calls = await requestsDuring(bucket, () =>
        dest.put('staging/x', wholeBody(data), {
          size: data.length,
          resume: { token: tokens[tokens.length - 1]!, onCheckpoint: () => undefined },
        }),
      );
      expect(calls('ListParts')).toBe(1);
      expect(calls('CreateMultipartUpload')).toBe(1);
      expect(calls('UploadPart')).toBe(4);
      await expectStored(dest, 'staging/x', data);

      // A token whose recorded part 2 is not what the upload holds: that upload is aborted.
      const again = await interrupted(dest, 'staging/y', data, 12 * MiB);
      const token = JSON.parse(again[again.length - 1]!) as { id: string; parts: [number, string][] };
      token.parts[1]![1] = 'f'.repeat(32);
      const calls2 = await requestsDuring(bucket, () =>
        dest.put('staging/y', wholeBody(data), {
          size: data.length,
          resume: { token: JSON.stringify(token), onCheckpoint: () => undefined },
        }),
      );
      expect(calls2('AbortMultipartUpload')).toBe(1);
      expect(calls2('UploadPart')).toBe(4);
      await expectStored(dest, 'staging/y', data);
      expect(await uploadsIn(bucket)).toEqual([]);
    } finally {
      await dest.close();
    }
  });

  it('keeps the size and digest checks when resuming, and then aborts the upload', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, tuning);
    try {
      const data = randomBytes(20 * MiB);
      const tokens = await interrupted(dest, 'staging/s', data, 12 * MiB);
      const wrong = sha256(Buffer.from('other bytes'));
      const resume = { token: tokens[tokens.length - 1]!, onCheckpoint: () => undefined };
      expect(
        await kindOf(
          dest.put('staging/s', wholeBody(data), { size: data.length, expect: { sha256: wrong }, resume }),
        ),
      ).toBe('integrity');
      expect(await kindOf(dest.stat('staging/s'))).toBe('not-found');
      expect(await uploadsIn(bucket)).toEqual([]);

      const again = await interrupted(dest, 'staging/t', data, 12 * MiB);
      const longer = Buffer.concat([data, Buffer.from('x')]);
      expect(
        await kindOf(
          dest.put('staging/t', wholeBody(longer), {
            size: data.length,
            resume: { token: again[again.length - 1]!, onCheckpoint: () => undefined },
          }),
        ),
      ).toBe('integrity');
      expect(await kindOf(dest.stat('staging/t'))).toBe('not-found');
      expect(await uploadsIn(bucket)).toEqual([]);
    } finally {
      await dest.close();
    }
  });

  it('aborts an upload with nothing stored yet, and survives a failing onCheckpoint', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, tuning);
    try {
      const data = randomBytes(20 * MiB);
      expect(await interrupted(dest, 'staging/early', data, 2 * MiB)).toEqual([]);
      expect(await uploadsIn(bucket)).toEqual([]);

      let calls = 0;
      const onCheckpoint = () => {
        calls++;
        throw new Error('database is locked');
      };
      await dest.put('staging/ok', wholeBody(data), { size: data.length, resume: { onCheckpoint } });
      expect(calls).toBeGreaterThan(0);
      await expectStored(dest, 'staging/ok', data);
    } finally {
      await dest.close();
    }
  });

  it('ignores resume for objects small enough for a single PutObject', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, tuning);
    try {
      const data = randomBytes(3 * MiB);
      const tokens: string[] = [];
      const calls = await requestsDuring(bucket, () =>
        dest.put('staging/small', wholeBody(data), {
          size: data.length,
          resume: { token: 'anything', onCheckpoint: (t) => void tokens.push(t) },
        }),
      );
      expect(calls('PutObject')).toBe(1);
      expect(calls('CreateMultipartUpload')).toBe(0);
      expect(tokens).toEqual([]);
      await expectStored(dest, 'staging/small', data);
    } finally {
      await dest.close();
    }
  });
});
