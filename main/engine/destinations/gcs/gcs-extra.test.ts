import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError, type DestinationErrorKind } from '../errors.js';
import { bodyOf, readAll } from '../testing/conformance.js';
import { GcsEmulator } from '../testing/gcs-harness.js';
import { classifyGcsError, retryAfterMs } from './errors.js';
import type { GcsDestination } from './gcs.js';

const ctx = { op: 'put', bucket: 'wedding-bucket', object: 'objects/ab/one' };
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** An error shaped like the SDK's ApiError for a JSON-API error response. */
function apiError(code: number, message: string, reason?: string, headers?: Record<string, string>) {
  return Object.assign(new Error(message), {
    code,
    errors: reason ? [{ message, domain: 'global', reason }] : [],
    ...(headers ? { response: { headers } } : {}),
  });
}

function netError(code: string) {
  return Object.assign(new Error(`request to http://127.0.0.1:1/ failed, reason: ${code}`), {
    code,
    errno: code,
    type: 'system',
  });
}

async function kindOf(promise: Promise<unknown>): Promise<DestinationErrorKind> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DestinationError);
  return (err as DestinationError).kind;
}

/** A body that yields `good` bytes and then fails. */
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

describe('classifyGcsError', () => {
  const cases: [string, unknown, DestinationErrorKind][] = [
    ['404 object', apiError(404, 'No such object: wedding-bucket/objects/ab/one', 'notFound'), 'not-found'],
    ['404 bucket', apiError(404, 'The specified bucket does not exist.', 'notFound'), 'missing-container'],
    ['401', apiError(401, 'Invalid Credentials', 'authError'), 'auth'],
    [
      '403',
      apiError(403, 'sa@p.iam.gserviceaccount.com does not have storage.objects.create', 'forbidden'),
      'permission',
    ],
    ['403 rate limit', apiError(403, 'Rate limit exceeded', 'rateLimitExceeded'), 'throttled'],
    [
      '429',
      apiError(429, 'The rate of change requests to the object is too high', 'rateLimitExceeded'),
      'throttled',
    ],
    [
      '412',
      apiError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet'),
      'integrity',
    ],
    [
      '400 md5',
      apiError(400, 'Provided MD5 hash "abc" doesn\'t match calculated MD5 hash "def".', 'invalid'),
      'integrity',
    ],
    ['400 other', apiError(400, 'Invalid argument', 'invalid'), 'permanent'],
    ['500', apiError(500, 'Backend Error', 'backendError'), 'transient'],
    ['503', apiError(503, 'Service Unavailable', 'backendError'), 'transient'],
    ['408', apiError(408, 'Request Timeout'), 'transient'],
    ['ECONNREFUSED', netError('ECONNREFUSED'), 'unavailable'],
    ['ENOTFOUND', netError('ENOTFOUND'), 'unavailable'],
    ['ECONNRESET', netError('ECONNRESET'), 'transient'],
    ['ETIMEDOUT', netError('ETIMEDOUT'), 'transient'],
    [
      'sdk md5 check',
      Object.assign(new Error('The uploaded data did not match'), { code: 'FILE_NO_UPLOAD' }),
      'integrity',
    ],
    [
      'sdk download check',
      Object.assign(new Error('The downloaded data did not match'), { code: 'CONTENT_DOWNLOAD_MISMATCH' }),
      'integrity',
    ],
    [
      'retry limit text',
      new Error('Retry limit exceeded - status: 503, statusText: Service Unavailable'),
      'transient',
    ],
    ['retry limit code', new Error('Retry limit exceeded - socket hang up, code: ECONNRESET'), 'transient'],
    [
      'resumable upload failure',
      Object.assign(new Error('Upload failed'), {
        code: 403,
        errors: [{ error: { code: 403, message: 'denied', errors: [{ reason: 'forbidden' }] } }],
      }),
      'permission',
    ],
    [
      'resumable error body',
      { code: 429, message: 'slow down', errors: [{ reason: 'rateLimitExceeded' }] },
      'throttled',
    ],
    [
      'token refused',
      Object.assign(new Error('invalid_grant: Invalid JWT Signature.'), { response: { status: 400 } }),
      'auth',
    ],
    ['no credentials', new Error('Could not load the default credentials.'), 'auth'],
    [
      'abort',
      Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }),
      'transient',
    ],
    ['anything else', new Error('something odd'), 'permanent'],
  ];
  for (const [label, err, kind] of cases) {
    it(`maps ${label} to ${kind}`, () => {
      expect(classifyGcsError('cloud', err, ctx).kind).toBe(kind);
    });
  }

  it('calls a 404 of a bucket-level call a missing bucket', () => {
    const err = apiError(404, 'Not Found', 'notFound');
    expect(classifyGcsError('cloud', err, { op: 'check', bucket: 'b' }).kind).toBe('missing-container');
  });

  it('names destination, call, bucket and key in the message', () => {
    const err = classifyGcsError('cloud', apiError(403, 'denied', 'forbidden'), ctx);
    expect(err.message).toMatch(/^cloud: put gs:\/\/wedding-bucket\/objects\/ab\/one: /);
    expect(err.cause).toBeDefined();
  });

  it('never repeats credentials found in provider text', () => {
    const leaky = new Error(
      'bad token Bearer ya29.a0AfH6SMBsecret; key -----BEGIN PRIVATE KEY-----\nMIIEsecret\n-----END PRIVATE KEY----- access_token=abc123secret',
    );
    const err = classifyGcsError('cloud', Object.assign(leaky, { code: 401 }), ctx);
    expect(err.kind).toBe('auth');
    expect(err.message).not.toMatch(/ya29|MIIE|abc123secret/);
  });

  it('reads Retry-After as seconds, or as a date when the time is known', () => {
    const secs = classifyGcsError(
      'cloud',
      apiError(429, 'slow', 'rateLimitExceeded', { 'Retry-After': '7' }),
      ctx,
    );
    expect(secs.retryAfterMs).toBe(7000);
    const now = Date.parse('2026-06-14T12:00:00Z');
    expect(retryAfterMs('Sun, 14 Jun 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sun, 14 Jun 2026 12:00:30 GMT')).toBeUndefined();
  });

  it('passes DestinationErrors through unchanged', () => {
    const original = new DestinationError('full', 'cloud', 'x');
    expect(classifyGcsError('cloud', original, ctx)).toBe(original);
  });
});

describe('GcsDestination on the emulator', () => {
  const emulator = new GcsEmulator();
  let bucket = '';
  beforeAll(async () => {
    await emulator.start();
    bucket = await emulator.createBucket();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  describe('storage classes', () => {
    let dest: GcsDestination;
    beforeAll(() => {
      dest = emulator.destination(bucket, { prefix: 'classes' });
    });

    it('stores an object in the class put names, and reports it readable', async () => {
      await dest.put('c/nearline', bodyOf('n'), { size: 1, storageClass: 'nearline' });
      const info = await dest.stat('c/nearline');
      expect(info.storageClass).toBe('NEARLINE');
      expect(info.archived).toBe(false);
    });

    it("uses the destination's class when put names none", async () => {
      const cold = emulator.destination(bucket, { prefix: 'classes', storageClass: 'COLDLINE' });
      await cold.put('c/default', bodyOf('d'), { size: 1 });
      expect((await cold.stat('c/default')).storageClass).toBe('COLDLINE');
    });

    it('changes the class of a stored object; ARCHIVE stays readable', async () => {
      await dest.put('c/move', bodyOf('archive me'), { size: 10 });
      expect((await dest.stat('c/move')).storageClass).toBe('STANDARD');
      await dest.setStorageClass('c/move', 'ARCHIVE');
      const info = await dest.stat('c/move');
      expect(info.storageClass).toBe('ARCHIVE');
      expect(info.archived).toBe(false);
      expect((await readAll(await dest.get('c/move'))).toString()).toBe('archive me');
    });

    it('keeps the class when promoting', async () => {
      await dest.put('c/staged', bodyOf('s'), { size: 1, storageClass: 'COLDLINE' });
      await dest.promote('c/staged', 'c/final');
      expect((await dest.stat('c/final')).storageClass).toBe('COLDLINE');
    });

    it('refuses an unknown class and a class change of a missing key', async () => {
      expect(await kindOf(dest.put('c/x', bodyOf('x'), { size: 1, storageClass: 'GLACIER' }))).toBe(
        'permanent',
      );
      expect(await kindOf(dest.setStorageClass('c/absent', 'NEARLINE'))).toBe('not-found');
    });
  });

  // Threshold 0 sends every object through a streamed resumable upload; the default threshold
  // buffers small objects. Both must refuse bad bodies without touching what the key held before.
  for (const [mode, threshold] of [
    ['resumable (streamed)', 0],
    ['single request (buffered)', undefined],
  ] as const) {
    describe(`uploads, ${mode}`, () => {
      let dest: GcsDestination;
      const good = randomBytes(300_000);
      beforeAll(async () => {
        dest = emulator.destination(bucket, {
          prefix: `up-${threshold ?? 'default'}`,
          ...(threshold === undefined ? {} : { resumableThreshold: threshold }),
        });
        await dest.put('keep/x', bodyOf(good), { size: good.length });
      });

      it('stores and verifies a body with expected digests', async () => {
        const data = randomBytes(200_000);
        await dest.put('ok/y', bodyOf(data), {
          size: data.length,
          expect: { md5: md5(data), sha256: sha256(data) },
        });
        expect(await dest.digest('ok/y')).toEqual({ md5: md5(data) });
        expect(sha256(await readAll(await dest.get('ok/y')))).toBe(sha256(data));
      });

      const bad: [string, () => Readable, number, { md5?: string; sha256?: string } | undefined, string][] = [
        ['a short body', () => bodyOf(randomBytes(1000)), 1001, undefined, 'integrity'],
        ['a long body', () => bodyOf(randomBytes(1002)), 1001, undefined, 'integrity'],
        ['a wrong sha256', () => bodyOf('abc'), 3, { sha256: sha256(Buffer.from('abd')) }, 'integrity'],
        ['a wrong md5', () => bodyOf('abc'), 3, { md5: md5(Buffer.from('abd')) }, 'integrity'],
        ['a failing source', () => failingBody(randomBytes(1000)), 5000, undefined, 'transient'],
      ];
      for (const [label, body, size, expectSums, kind] of bad) {
        it(`refuses ${label}, keeps the previous object, and leaves no request open`, async () => {
          const before = openSockets();
          const err = await dest
            .put('keep/x', body(), { size, ...(expectSums ? { expect: expectSums } : {}) })
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(DestinationError);
          expect((err as DestinationError).kind).toBe(kind);
          expect(sha256(await readAll(await dest.get('keep/x')))).toBe(sha256(good));
          await waitFor(() => openSockets() <= before);
        });
      }

      it('stops when the caller aborts and leaves nothing', async () => {
        const controller = new AbortController();
        const slow = new Readable({
          read() {
            this.push(randomBytes(1000));
            controller.abort();
          },
        });
        const err = await dest
          .put('aborted/z', slow, { size: 1_000_000, signal: controller.signal })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DestinationError);
        expect(await kindOf(dest.stat('aborted/z'))).toBe('not-found');
      });
    });
  }

  it('reports a malformed service-account key as auth, without repeating it', async () => {
    // The emulator checks no credentials, but the SDK must sign a token with the key before any call.
    const bad = emulator.destination(bucket, {
      name: 'bad-key',
      credentials: { client_email: 'backup@keepsake.iam.gserviceaccount.com', private_key: 'wrong-secret' },
    });
    for (const call of [
      () => bad.check(),
      () => bad.put('x/y', bodyOf('z'), { size: 1 }),
      () => bad.stat('x/y'),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DestinationError);
      expect((err as DestinationError).kind).toBe('auth');
      expect((err as DestinationError).message).toMatch(/^bad-key: /);
      expect((err as DestinationError).message).not.toMatch(/wrong-secret/);
    }
  });

  it('reports calls while the server is down as unavailable', async () => {
    const dest = emulator.destination(bucket, { prefix: 'down' });
    await dest.put('d/1', bodyOf('1'), { size: 1 });
    const resume = await emulator.interrupt();
    try {
      for (const call of [
        () => dest.get('d/1'),
        () => dest.check(),
        () => dest.put('d/big', bodyOf(randomBytes(100)), { size: 100 }),
        () => emulator.destination(bucket, { resumableThreshold: 0 }).put('d/2', bodyOf('22'), { size: 2 }),
      ]) {
        expect(await kindOf(call())).toBe('unavailable');
      }
    } finally {
      await resume();
      await emulator.createBucket(bucket);
    }
  });

  describe('keys, prefixes and ranges', () => {
    it('keeps objects under its prefix and lists keys without it', async () => {
      const inner = emulator.destination(bucket, { prefix: '/vault/one/' });
      const outer = emulator.destination(bucket);
      await inner.put('p/a', bodyOf('a'), { size: 1 });
      await outer.put('p/b', bodyOf('b'), { size: 1 });
      expect((await outer.stat('vault/one/p/a')).size).toBe(1);
      const keys: string[] = [];
      for await (const o of inner.list('p/')) keys.push(o.key);
      expect(keys).toEqual(['p/a']);
    });

    it('reads ranges at and past the end as empty, and clamps long ranges', async () => {
      const dest = emulator.destination(bucket, { prefix: 'ranges' });
      await dest.put('r', bodyOf('0123456789'), { size: 10 });
      expect((await readAll(await dest.get('r', { offset: 10 }))).length).toBe(0);
      expect((await readAll(await dest.get('r', { offset: 4, length: 0 }))).length).toBe(0);
      expect((await readAll(await dest.get('r', { offset: 7, length: 100 }))).toString()).toBe('789');
    });

    it('removes a missing key without error but reports a missing bucket', async () => {
      await emulator.destination(bucket).remove('never/there');
      const gone = emulator.destination('keepsake-no-such-bucket');
      expect(await kindOf(gone.remove('x'))).toBe('missing-container');
      expect(await kindOf(gone.stat('x'))).toBe('missing-container');
    });
  });
});

/** TCP sockets this process holds open (requests in flight or kept alive). */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

async function waitFor(ok: () => boolean, ms = 3000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
