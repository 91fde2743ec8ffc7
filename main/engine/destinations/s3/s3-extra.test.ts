import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Transform } from 'node:stream';
import {
  CreateMultipartUploadCommand,
  InvalidObjectState,
  ListMultipartUploadsCommand,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { DestinationError, type DestinationErrorKind } from '../errors.js';
import { bodyOf, readAll } from '../testing/conformance.js';
import { s3Harness } from '../testing/s3-harness.js';
import { classifyS3Error } from './errors.js';
import { multipartEtag, multipartEtagMismatch } from './etag.js';
import { awsS3Config, backblazeB2Config, customS3Config, S3_PROVIDERS, wasabiConfig } from './presets.js';
import { S3Destination } from './s3.js';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function kindOf(promise: Promise<unknown>): Promise<DestinationErrorKind | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    expect(err).toBeInstanceOf(DestinationError);
    return (err as DestinationError).kind;
  }
}

async function uploadsIn(client: S3Client, bucket: string): Promise<string[]> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => u.Key ?? '').sort();
}

/** A body that yields `good` bytes, then fails like a disk read error. */
function failingBody(good: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) this.destroy(new Error('disk read error'));
      else this.push(good);
      sent = true;
    },
  });
}

describe('S3 presets', () => {
  const credentials = { accessKeyId: 'AK', secretAccessKey: 'SK' };

  it('builds AWS configs with a region and storage classes, sending no class for STANDARD', () => {
    const cfg = awsS3Config({ name: 'aws', bucket: 'b', region: 'eu-west-1', storageClass: 'DEEP_ARCHIVE' });
    expect(cfg).toEqual({ name: 'aws', bucket: 'b', region: 'eu-west-1', storageClass: 'DEEP_ARCHIVE' });
    expect(cfg.endpoint).toBeUndefined();
    expect(awsS3Config({ name: 'aws', bucket: 'b', region: 'us-east-1' }).storageClass).toBeUndefined();
    expect(S3_PROVIDERS.aws.storageClasses).toEqual([
      'STANDARD',
      'STANDARD_IA',
      'GLACIER_IR',
      'GLACIER',
      'DEEP_ARCHIVE',
    ]);
    expect(() =>
      awsS3Config({ name: 'aws', bucket: 'b', region: 'x', storageClass: 'COLD' as never }),
    ).toThrow(DestinationError);
  });

  it('builds Backblaze B2 and Wasabi endpoints from the region, with one class and no class header', () => {
    const b2 = backblazeB2Config({ name: 'b2', bucket: 'b', region: 'us-west-004', credentials });
    expect(b2.endpoint).toBe('https://s3.us-west-004.backblazeb2.com');
    expect(b2.region).toBe('us-west-004');
    expect(b2.storageClass).toBeUndefined();
    expect(b2.credentials).toEqual(credentials);
    const wasabi = wasabiConfig({ name: 'w', bucket: 'b', region: 'eu-central-1', prefix: 'studio' });
    expect(wasabi.endpoint).toBe('https://s3.eu-central-1.wasabisys.com');
    expect(wasabi.prefix).toBe('studio');
    expect(wasabi.storageClass).toBeUndefined();
    for (const id of ['backblaze-b2', 'wasabi'] as const) {
      expect(S3_PROVIDERS[id].storageClasses).toHaveLength(1);
      expect(S3_PROVIDERS[id].hasStorageClasses).toBe(false);
    }
    expect(() => wasabiConfig({ name: 'w', bucket: 'b', region: 'evil.example.com/x' })).toThrow(
      /invalid region/,
    );
  });

  it('builds custom endpoints (MinIO, R2, NAS) with path-style URLs', () => {
    const minio = customS3Config({
      name: 'nas',
      bucket: 'b',
      endpoint: 'http://nas.local:9000/',
      credentials,
    });
    expect(minio).toMatchObject({
      endpoint: 'http://nas.local:9000',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    const r2 = customS3Config({
      name: 'r2',
      bucket: 'b',
      endpoint: 'https://acct.r2.cloudflarestorage.com',
      region: 'auto',
    });
    expect(r2).toMatchObject({
      endpoint: 'https://acct.r2.cloudflarestorage.com',
      region: 'auto',
      forcePathStyle: true,
    });
    expect(() => customS3Config({ name: 'x', bucket: 'b', endpoint: 'ftp://nas' })).toThrow(/http/);
    expect(() => customS3Config({ name: 'x', bucket: 'b', endpoint: 'not a url' })).toThrow(
      /invalid endpoint/,
    );
  });
});

describe('S3 error classifier', () => {
  const ctx = { op: 'put', bucket: 'photos', key: 'studio/objects/ab' };
  const meta = (status: number) => ({ httpStatusCode: status });
  const service = (name: string, status: number, message = name, headers: Record<string, string> = {}) => {
    const err = new S3ServiceException({
      name,
      $fault: status >= 500 ? 'server' : 'client',
      message,
      $metadata: meta(status),
    });
    Object.defineProperty(err, '$response', { value: { statusCode: status, headers } });
    return err;
  };
  const net = (code: string, message = code) => Object.assign(new Error(message), { code });
  const kind = (err: unknown, c: { op: string; bucket: string; key?: string; nowMs?: number } = ctx) =>
    classifyS3Error('offsite', err, c).kind;

  it('maps missing objects and buckets', () => {
    expect(kind(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: meta(404) }))).toBe(
      'not-found',
    );
    expect(kind(new NotFound({ message: 'UnknownError', $metadata: meta(404) }))).toBe('not-found');
    expect(kind(new NoSuchBucket({ message: 'no bucket', $metadata: meta(404) }))).toBe('missing-container');
    // HeadBucket: a bodiless 404 on a bucket call means the bucket is missing.
    expect(
      kind(new NotFound({ message: 'UnknownError', $metadata: meta(404) }), {
        op: 'check',
        bucket: 'photos',
      }),
    ).toBe('missing-container');
  });

  it('maps credential and permission problems', () => {
    for (const code of ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken']) {
      expect(kind(service(code, 403))).toBe('auth');
    }
    expect(kind(service('Forbidden', 403, 'UnknownError'))).toBe('auth');
    expect(kind(service('AccessDenied', 403, 'Access Denied'))).toBe('permission');
    expect(kind(service('AccessDenied', 403, 'Cannot upload files, storage cap exceeded.'))).toBe('full');
    expect(
      kind(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' })),
    ).toBe('auth');
  });

  it('maps throttling, with Retry-After when given', () => {
    const slow = classifyS3Error(
      'offsite',
      service('SlowDown', 503, 'Please reduce your request rate.', { 'Retry-After': '7' }),
      ctx,
    );
    expect(slow.kind).toBe('throttled');
    expect(slow.retryAfterMs).toBe(7000);
    expect(kind(service('ServiceUnavailable', 503, 'Slow Down'))).toBe('throttled');
    expect(kind(service('TooManyRequests', 429))).toBe('throttled');
    expect(kind(service('Unknown', 429, 'UnknownError'))).toBe('throttled');
    const nowMs = Date.parse('2026-06-14T12:00:00Z');
    const dated = classifyS3Error(
      'offsite',
      service('SlowDown', 503, 'Slow Down', { 'retry-after': 'Sun, 14 Jun 2026 12:00:30 GMT' }),
      { ...ctx, nowMs },
    );
    expect(dated.retryAfterMs).toBe(30_000);
  });

  it('maps server and network faults to unavailable or transient', () => {
    expect(kind(service('InternalError', 500))).toBe('transient');
    expect(kind(service('BadGateway', 502, 'UnknownError'))).toBe('transient');
    expect(
      kind(service('RequestTimeout', 400, 'Your socket connection to the server was not read from')),
    ).toBe('transient');
    expect(kind(service('ServiceUnavailable', 503, 'Service Unavailable'))).toBe('unavailable');
    expect(kind(net('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'))).toBe('unavailable');
    expect(kind(net('ENOTFOUND', 'getaddrinfo ENOTFOUND s3.example.com'))).toBe('unavailable');
    expect(kind(net('ETIMEDOUT'))).toBe('unavailable');
    expect(kind(Object.assign(new Error('connection timed out'), { name: 'TimeoutError' }))).toBe(
      'unavailable',
    );
    expect(kind(new AggregateError([net('ECONNREFUSED')], 'all attempts failed'))).toBe('unavailable');
    expect(kind(net('ECONNRESET', 'read ECONNRESET'))).toBe('transient');
    expect(kind(net('EPIPE', 'write EPIPE'))).toBe('transient');
    expect(kind(new Error('socket hang up'))).toBe('transient');
  });

  it('maps refused data, archives, and everything else', () => {
    for (const code of ['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch']) {
      expect(kind(service(code, 400))).toBe('integrity');
    }
    expect(
      kind(new InvalidObjectState({ message: 'archived', $metadata: meta(403), StorageClass: 'GLACIER' })),
    ).toBe('needs-rehydration');
    expect(kind(service('InvalidStorageClass', 400))).toBe('permanent');
    expect(kind(service('EntityTooLarge', 400))).toBe('permanent');
    expect(kind(new TypeError('something odd'))).toBe('permanent');
    expect(kind(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }))).toBe(
      'transient',
    );
  });

  it('names the destination, bucket and key, and never repeats what the provider said about credentials', () => {
    const leaky = service(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match. StringToSign: AWS4 ... secret=wrong-secret',
    );
    const err = classifyS3Error('offsite', leaky, ctx);
    expect(err.message).toMatch(/^offsite: put photos\/studio\/objects\/ab: /);
    expect(err.message).not.toMatch(/wrong-secret|StringToSign/);
    expect(err.cause).toBe(leaky);
    const passthrough = new DestinationError('integrity', 'offsite', 'x');
    expect(classifyS3Error('offsite', passthrough, ctx)).toBe(passthrough);
  });
});

describe('multipart ETags', () => {
  it('computes the S3 multipart ETag and accepts either ETag form servers return', () => {
    const parts = [Buffer.from('a'.repeat(10)), Buffer.from('b')];
    const partMd5s = parts.map((p) => createHash('md5').update(p).digest());
    const whole = md5(Buffer.concat(parts));
    const etag = multipartEtag(partMd5s);
    expect(etag).toMatch(/^[0-9a-f]{32}-2$/);
    expect(multipartEtagMismatch(etag, partMd5s, whole, {})).toBeUndefined();
    expect(multipartEtagMismatch(whole, partMd5s, whole, {})).toBeUndefined();
    expect(multipartEtagMismatch(`${'0'.repeat(32)}-2`, partMd5s, whole, {})).toMatch(/expected/);
    expect(multipartEtagMismatch('0'.repeat(32), partMd5s, whole, {})).toMatch(/expected/);
    expect(
      multipartEtagMismatch(`${'0'.repeat(32)}-2`, partMd5s, whole, { ServerSideEncryption: 'aws:kms' }),
    ).toBeUndefined();
  });
});

describe('S3 destination on s3rver: multipart, cleanup and damaged transfers', () => {
  const harness = s3Harness();
  const small = { partSize: 5 * MiB, queueSize: 2 };
  let client: S3Client;
  beforeAll(async () => {
    await harness.setup!();
    client = harness.rawClient();
  });
  afterAll(async () => {
    await harness.teardown!();
  });

  it('uploads in parts, checks the S3 multipart ETag, and digests by reading back', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, small);
    try {
      const data = randomBytes(12 * MiB + 123);
      await dest.put('objects/big', bodyOf(data), { size: data.length, expect: { sha256: sha256(data) } });
      expect(await dest.digest('objects/big')).toEqual({ sha256: sha256(data) });
      expect(sha256(await readAll(await dest.get('objects/big', { offset: 5 * MiB - 10, length: 20 })))).toBe(
        sha256(data.subarray(5 * MiB - 10, 5 * MiB + 10)),
      );
      expect(await uploadsIn(client, bucket)).toEqual([]);
    } finally {
      await dest.close();
    }
  });

  it('aborts the multipart upload when the source fails or the checksum is wrong', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(bucket, { prefix: 'vault' }, small);
    try {
      expect(
        await kindOf(dest.put('objects/cut', failingBody(randomBytes(11 * MiB)), { size: 20 * MiB })),
      ).toBe('transient');
      const data = randomBytes(11 * MiB);
      const wrong = sha256(Buffer.from('something else'));
      expect(
        await kindOf(dest.put('objects/sum', bodyOf(data), { size: data.length, expect: { sha256: wrong } })),
      ).toBe('integrity');
      expect(await kindOf(dest.put('objects/long', bodyOf(data), { size: data.length - 1 }))).toBe(
        'integrity',
      );
      expect(await uploadsIn(client, bucket)).toEqual([]);
      for (const key of ['objects/cut', 'objects/sum', 'objects/long']) {
        expect(await kindOf(dest.stat(key))).toBe('not-found');
      }
    } finally {
      await dest.close();
    }
  });

  it('aborts only stale multipart uploads under its prefix', async () => {
    const bucket = await harness.createBucket();
    const start = async (key: string) => {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: randomBytes(1000) }),
      );
    };
    await start('vault/staging/crashed');
    await start('elsewhere/crashed');
    await new Promise((r) => setTimeout(r, 400));
    await start('vault/staging/running');
    const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    const running = listed.Uploads?.find((u) => u.Key === 'vault/staging/running')?.Initiated?.getTime();
    expect(running).toBeTypeOf('number');
    // The clock reads 100 ms after the youngest upload began; uploads older than 300 ms are stale.
    const dest = harness.destination(bucket, { prefix: 'vault' }, { clock: new ManualClock(running! + 100) });
    try {
      const aborted = await dest.abortStaleUploads(300);
      expect(aborted.map((u) => u.key)).toEqual(['staging/crashed']);
      expect(await uploadsIn(client, bucket)).toEqual(['elsewhere/crashed', 'vault/staging/running']);
      expect(await dest.abortStaleUploads(300)).toEqual([]);
    } finally {
      await dest.close();
    }
  });

  it('promotes objects over the single-copy limit with UploadPartCopy', async () => {
    const bucket = await harness.createBucket();
    const dest = harness.destination(
      bucket,
      { prefix: 'vault' },
      { partSize: 16 * MiB, maxSingleCopy: 6 * MiB, copyPartSize: 5 * MiB },
    );
    try {
      const data = randomBytes(13 * MiB);
      await dest.put('staging/s', bodyOf(data), { size: data.length });
      expect(await dest.digest('staging/s')).toEqual({ md5: md5(data) });
      await dest.promote('staging/s', 'objects/final');
      expect(sha256(await readAll(await dest.get('objects/final')))).toBe(sha256(data));
      // A part-wise copy has a multipart ETag (a whole-object CopyObject would keep the plain MD5).
      expect(await dest.digest('objects/final')).toEqual({ sha256: sha256(data) });
      expect(await kindOf(dest.stat('staging/s'))).toBe('not-found');
      expect(await uploadsIn(client, bucket)).toEqual([]);
      expect(await kindOf(dest.promote('staging/absent', 'objects/other'))).toBe('not-found');
    } finally {
      await dest.close();
    }
  });

  describe('through a proxy that damages request bodies', () => {
    let proxy: Server;
    let proxyEndpoint = '';
    beforeAll(async () => {
      const target = new URL(harness.endpoint);
      proxy = createServer((req, res) => {
        const upstream = request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        const damages = req.method === 'PUT' && Number(req.headers['content-length'] ?? 0) > 0;
        let flipped = false;
        const flip = new Transform({
          transform(chunk: Buffer, _e, cb) {
            if (damages && !flipped && chunk.length > 0) {
              flipped = true;
              const copy = Buffer.from(chunk);
              copy[0] = copy[0]! ^ 0xff;
              return cb(null, copy);
            }
            cb(null, chunk);
          },
        });
        req.pipe(flip).pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    });

    it('refuses a damaged single-part upload and leaves nothing under the key', async () => {
      const bucket = await harness.createBucket();
      const viaProxy = new S3Destination(
        harness.config(bucket, { endpoint: proxyEndpoint, prefix: 'vault' }),
      );
      const direct = harness.destination(bucket, { prefix: 'vault' });
      try {
        const data = randomBytes(100_000);
        const err = await viaProxy
          .put('objects/damaged', bodyOf(data), { size: data.length })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DestinationError);
        expect((err as DestinationError).kind).toBe('integrity');
        expect((err as DestinationError).message).toMatch(/removed/);
        expect(await kindOf(direct.stat('objects/damaged'))).toBe('not-found');
      } finally {
        await viaProxy.close();
        await direct.close();
      }
    });

    it('refuses a damaged part and aborts the multipart upload', async () => {
      const bucket = await harness.createBucket();
      const viaProxy = new S3Destination(
        harness.config(bucket, { endpoint: proxyEndpoint, prefix: 'vault' }),
        small,
      );
      const direct = harness.destination(bucket, { prefix: 'vault' });
      try {
        const data = randomBytes(11 * MiB);
        expect(await kindOf(viaProxy.put('objects/damaged-big', bodyOf(data), { size: data.length }))).toBe(
          'integrity',
        );
        expect(await kindOf(direct.stat('objects/damaged-big'))).toBe('not-found');
        expect(await uploadsIn(client, bucket)).toEqual([]);
      } finally {
        await viaProxy.close();
        await direct.close();
      }
    });
  });
});
