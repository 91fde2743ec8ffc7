import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Destination } from '../destination.js';
import { DestinationError, type DestinationErrorKind } from '../errors.js';

/** How the conformance suite gets destinations of one kind, and breaks them. */
export interface ConformanceHarness {
  /** Starts servers once for the whole suite. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** A fresh destination over an empty container. */
  create(): Promise<Destination>;
  /** A destination whose bucket, container or folder does not exist. */
  createMissingContainer(): Promise<Destination>;
  /** A destination with wrong credentials; omitted for kinds that have none (a local folder). */
  createBadCredentials?(): Promise<Destination>;
  /** Makes `dest` unreachable (stops its server, unplugs its drive); the returned function undoes it. */
  makeUnavailable(dest: Destination): Promise<() => Promise<void>>;
  /** Size of the object used for the large/multipart case (default 24 MiB). */
  largeObjectSize?: number;
  /** Number of objects for the pagination case (default 1105: more than one page of 1000). */
  listCount?: number;
  /** The destination resumes large uploads (`PutOptions.resume`); enables the resume case. */
  resumable?: boolean;
  /**
   * A colder class the server moves objects to and reports in `stat` (the optimizer's class change);
   * omitted for destinations without classes, where `setStorageClass` must fail as `permanent`.
   */
  colderClass?: string;
}

export function bodyOf(data: Buffer | string): Readable {
  return Readable.from([Buffer.from(data)]);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function expectKind(
  promise: Promise<unknown>,
  kinds: DestinationErrorKind[],
): Promise<DestinationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a DestinationError of kind ${kinds.join('|')}`).toBeInstanceOf(DestinationError);
  expect(kinds).toContain((err as DestinationError).kind);
  return err as DestinationError;
}

async function keysOf(dest: Destination, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of dest.list(prefix)) keys.push(o.key);
  return keys.sort();
}

/** A body that yields `good` bytes and then fails, like a connection cut mid-upload. */
function failingBody(good: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(good);
      } else {
        this.destroy(new Error('source failed mid-transfer'));
      }
    },
  });
}

/**
 * A body that yields `data` up to byte `at` in 1 MiB chunks, then fails like a dropped connection.
 * Each chunk is larger than the stream's buffer, so every byte before `at` reaches the reader.
 */
function interruptedBody(data: Buffer, at: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= at) {
        this.destroy(new Error('source failed mid-transfer'));
        return;
      }
      const end = Math.min(at, sent + 1024 * 1024);
      this.push(data.subarray(sent, end));
      sent = end;
    },
  });
}

/** The one suite every destination runs unchanged; a destination's test file only calls this. */
export function runConformanceSuite(kind: string, harness: ConformanceHarness): void {
  describe(`destination conformance: ${kind}`, () => {
    let dest: Destination;
    beforeAll(async () => {
      await harness.setup?.();
      dest = await harness.create();
    });
    afterAll(async () => {
      await dest?.close();
      await harness.teardown?.();
    });

    it('checks a healthy destination without error', async () => {
      await dest.check();
    });

    it('puts, stats, gets and digests an object', async () => {
      const data = randomBytes(100_000);
      await dest.put('objects/ab/one', bodyOf(data), { size: data.length });
      const info = await dest.stat('objects/ab/one');
      expect(info.size).toBe(data.length);
      expect(sha256(await readAll(await dest.get('objects/ab/one')))).toBe(sha256(data));
      const digest = await dest.digest('objects/ab/one');
      expect(digest.sha256 ?? digest.md5).toBeTruthy();
      if (digest.sha256) expect(digest.sha256).toBe(sha256(data));
      if (digest.md5) expect(digest.md5).toBe(createHash('md5').update(data).digest('hex'));
    });

    it('stores a zero-byte object', async () => {
      await dest.put('objects/empty', bodyOf(Buffer.alloc(0)), { size: 0 });
      expect((await dest.stat('objects/empty')).size).toBe(0);
      expect((await readAll(await dest.get('objects/empty'))).length).toBe(0);
    });

    it('overwrites atomically', async () => {
      await dest.put('over/x', bodyOf('first'), { size: 5 });
      await dest.put('over/x', bodyOf('second'), { size: 6 });
      expect((await readAll(await dest.get('over/x'))).toString()).toBe('second');
    });

    it('reads byte ranges', async () => {
      const data = randomBytes(10_000);
      await dest.put('range/r', bodyOf(data), { size: data.length });
      expect(await readAll(await dest.get('range/r', { offset: 100, length: 50 }))).toEqual(
        data.subarray(100, 150),
      );
      expect(await readAll(await dest.get('range/r', { offset: 9_990 }))).toEqual(data.subarray(9_990));
    });

    it('reports a missing key as not-found for stat, get and digest; remove is idempotent', async () => {
      await expectKind(dest.stat('nope/missing'), ['not-found']);
      await expectKind(
        dest.get('nope/missing').then((s) => readAll(s)),
        ['not-found'],
      );
      await expectKind(dest.digest('nope/missing'), ['not-found']);
      await dest.remove('nope/missing');
    });

    it('removes objects', async () => {
      await dest.put('rm/a', bodyOf('a'), { size: 1 });
      await dest.remove('rm/a');
      await expectKind(dest.stat('rm/a'), ['not-found']);
    });

    it('refuses a body shorter than announced and leaves nothing under the key', async () => {
      await expectKind(dest.put('bad/short', bodyOf('12345'), { size: 6 }), ['integrity']);
      await expectKind(dest.stat('bad/short'), ['not-found']);
    });

    it('refuses a body longer than announced and leaves nothing under the key', async () => {
      await expectKind(dest.put('bad/long', bodyOf('1234567'), { size: 6 }), ['integrity']);
      await expectKind(dest.stat('bad/long'), ['not-found']);
    });

    it('refuses a wrong expected checksum and leaves nothing under the key', async () => {
      const data = Buffer.from('the real bytes');
      const wrong = sha256(Buffer.from('other bytes'));
      await expectKind(dest.put('bad/sum', bodyOf(data), { size: data.length, expect: { sha256: wrong } }), [
        'integrity',
      ]);
      await expectKind(dest.stat('bad/sum'), ['not-found']);
    });

    it('leaves nothing when the source fails mid-upload', async () => {
      const err = await dest
        .put('bad/cut', failingBody(randomBytes(1000)), { size: 5000 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      await expectKind(dest.stat('bad/cut'), ['not-found']);
      expect(await keysOf(dest, 'bad/')).toEqual([]);
    });

    it('promotes a staged object to its final name', async () => {
      const data = randomBytes(5000);
      await dest.put('staging/s1', bodyOf(data), { size: data.length });
      await dest.promote('staging/s1', 'objects/cd/final');
      expect(sha256(await readAll(await dest.get('objects/cd/final')))).toBe(sha256(data));
      await expectKind(dest.stat('staging/s1'), ['not-found']);
      await expectKind(dest.promote('staging/absent', 'objects/cd/other'), ['not-found']);
    });

    it('moves an object to another storage class in place, or says it has none', async () => {
      const data = randomBytes(3000);
      await dest.put('objects/ab/cls', bodyOf(data), { size: data.length });
      if (harness.colderClass === undefined) {
        await expectKind(dest.setStorageClass('objects/ab/cls', 'COLD'), ['permanent']);
        return;
      }
      await dest.setStorageClass('objects/ab/cls', harness.colderClass);
      expect((await dest.stat('objects/ab/cls')).storageClass).toBe(harness.colderClass);
      expect(sha256(await readAll(await dest.get('objects/ab/cls')))).toBe(sha256(data));
      await expectKind(dest.setStorageClass('objects/ab/absent', harness.colderClass), ['not-found']);
    });

    it('lists every object under a prefix exactly once, across pages', async () => {
      const count = harness.listCount ?? 1105;
      const keys = Array.from({ length: count }, (_, i) => `many/k${String(i).padStart(5, '0')}`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((k) => dest.put(k, bodyOf(k), { size: k.length })));
      }
      await dest.put('manyother/x', bodyOf('x'), { size: 1 });
      const listed = await keysOf(dest, 'many/');
      expect(listed).toEqual(keys);
      const sizes = new Map<string, number>();
      for await (const o of dest.list('many/k0000')) sizes.set(o.key, o.size);
      expect([...sizes.keys()].sort()).toEqual(keys.slice(0, 10));
      expect(sizes.get('many/k00001')).toBe('many/k00001'.length);
    });

    it('stores a large object (multipart where the provider has it)', async () => {
      const size = harness.largeObjectSize ?? 24 * 1024 * 1024;
      const chunk = randomBytes(1024 * 1024);
      const hash = createHash('sha256');
      const parts: Buffer[] = [];
      for (let sent = 0; sent < size; sent += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        parts.push(Buffer.from(part.map((b, i) => (b + sent + i) & 0xff)));
      }
      for (const p of parts) hash.update(p);
      await dest.put('large/big', Readable.from(parts), { size });
      expect((await dest.stat('large/big')).size).toBe(size);
      const got = createHash('sha256');
      for await (const c of await dest.get('large/big')) got.update(c as Buffer);
      expect(got.digest('hex')).toBe(hash.digest('hex'));
    });

    if (harness.resumable) {
      it('resumes an interrupted large upload without losing or corrupting bytes', async () => {
        const size = harness.largeObjectSize ?? 24 * 1024 * 1024;
        const data = randomBytes(size);
        const tokens: string[] = [];
        const onCheckpoint = (token: string) => void tokens.push(token);
        const cut = await dest
          .put('resume/big', interruptedBody(data, Math.floor((size * 3) / 4)), {
            size,
            resume: { onCheckpoint },
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(cut).toBeInstanceOf(DestinationError);
        await expectKind(dest.stat('resume/big'), ['not-found']);
        expect(await keysOf(dest, 'resume/')).toEqual([]);
        expect(tokens.length, 'checkpoints before the source failed').toBeGreaterThan(0);
        const chunks = Array.from({ length: Math.ceil(size / 1_000_000) }, (_, i) =>
          data.subarray(i * 1_000_000, (i + 1) * 1_000_000),
        );
        await dest.put('resume/big', Readable.from(chunks), {
          size,
          expect: { sha256: sha256(data) },
          resume: { token: tokens[tokens.length - 1]!, onCheckpoint },
        });
        expect((await dest.stat('resume/big')).size).toBe(size);
        expect(sha256(await readAll(await dest.get('resume/big')))).toBe(sha256(data));
      });
    }

    it('reports a missing container clearly', async () => {
      const missing = await harness.createMissingContainer();
      try {
        await expectKind(missing.check(), ['missing-container', 'unavailable']);
        await expectKind(missing.put('x/y', bodyOf('z'), { size: 1 }), ['missing-container', 'unavailable']);
      } finally {
        await missing.close();
      }
    });

    if (harness.createBadCredentials) {
      it('reports wrong credentials as auth, without leaking them', async () => {
        const bad = await harness.createBadCredentials!();
        try {
          const err = await expectKind(bad.put('x/y', bodyOf('z'), { size: 1 }), ['auth', 'permission']);
          expect(err.message).toMatch(new RegExp(bad.name));
          expect(err.message).not.toMatch(/wrong-secret/);
          await expectKind(bad.check(), ['auth', 'permission']);
        } finally {
          await bad.close();
        }
      });
    }

    it('reports an unreachable destination as unavailable, then works again', async () => {
      const restore = await harness.makeUnavailable(dest);
      try {
        await expectKind(dest.put('down/x', bodyOf('x'), { size: 1 }), ['unavailable', 'transient']);
        await expectKind(dest.stat('objects/ab/one'), ['unavailable', 'transient']);
      } finally {
        await restore();
      }
      await dest.put('down/x', bodyOf('x'), { size: 1 });
      expect((await dest.stat('down/x')).size).toBe(1);
    });
  });
}
