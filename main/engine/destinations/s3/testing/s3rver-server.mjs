// Runs s3rver (the real npm emulator, its own filesystem store) for the S3 tests, adding the four
// multipart calls s3rver 3.7 answers with NotImplemented/MethodNotAllowed, over its own upload files:
// ListMultipartUploads, ListParts, AbortMultipartUpload and UploadPartCopy. It also gives completed
// multipart uploads S3's ETag, md5(concat(part md5s))-N, where s3rver stores the whole object's MD5.
// For tests that must see which requests a client really sent, it counts the S3 calls it receives
// per bucket and answers `GET /_keepsake/requests?bucket=B` with them as JSON (no S3 bucket name can
// contain `_`, so the path never shadows a bucket). Everything else is plain s3rver.
// Usage: node --openssl-legacy-provider s3rver-server.mjs --port N --address A --directory D [--silent]
// (without the legacy provider, s3rver's DES continuation tokens make paged listings fail with 500).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const S3Error = require('s3rver/lib/models/error.js');
const authentication = require('s3rver/lib/middleware/authentication.js');

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    address: { type: 'string', default: '127.0.0.1' },
    directory: { type: 'string' },
    silent: { type: 'boolean', default: false },
  },
});

const server = new S3rver({
  port: Number(values.port),
  address: values.address,
  directory: values.directory,
  silent: values.silent,
  // Buckets are addressed by path; the tests never use virtual-host names.
  vhostBuckets: false,
});
const store = server.store;
const checkAuth = authentication();

/** The folder of one multipart upload in s3rver's store (holds `key`, `metadata`, parts `N`, `N.md5`). */
function uploadDir(bucket, uploadId) {
  if (!/^[0-9a-f]+$/.test(uploadId))
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
  return join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
}

async function requireBucket(bucket) {
  if (!(await store.getBucket(bucket))) {
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
}

async function uploadKey(bucket, uploadId) {
  try {
    return (await readFile(join(uploadDir(bucket, uploadId), 'key'))).toString();
  } catch (err) {
    if (err.code === 'ENOENT') throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
    throw err;
  }
}

async function listMultipartUploads(ctx, bucket) {
  await requireBucket(bucket);
  const prefix = ctx.query.prefix ?? '';
  const keyMarker = ctx.query['key-marker'] ?? '';
  const uploadIdMarker = ctx.query['upload-id-marker'] ?? '';
  const maxUploads = Math.min(1000, Number(ctx.query['max-uploads'] ?? 1000));
  const root = store.getResourcePath(bucket, undefined, 'uploads');
  const ids = await readdir(root).catch((err) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  const uploads = [];
  for (const id of ids) {
    const dir = join(root, id);
    const key = await readFile(join(dir, 'key'))
      .then(String)
      .catch(() => undefined);
    if (key === undefined || !key.startsWith(prefix)) continue;
    const metadata = JSON.parse(await readFile(join(dir, 'metadata'), 'utf8').catch(() => '{}'));
    const initiated = (await stat(join(dir, 'key'))).mtime;
    uploads.push({ key, id, initiated, storageClass: metadata['x-amz-storage-class'] ?? 'STANDARD' });
  }
  uploads.sort((a, b) => (a.key === b.key ? (a.id < b.id ? -1 : 1) : a.key < b.key ? -1 : 1));
  const after = uploads.filter(
    (u) =>
      !keyMarker || u.key > keyMarker || (u.key === keyMarker && uploadIdMarker && u.id > uploadIdMarker),
  );
  const page = after.slice(0, maxUploads);
  const truncated = after.length > page.length;
  const last = page[page.length - 1];
  const owner = { ID: 123456789000, DisplayName: 'S3rver' };
  ctx.body = {
    ListMultipartUploadsResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Bucket: bucket,
      KeyMarker: keyMarker,
      UploadIdMarker: uploadIdMarker,
      ...(truncated && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.id } : {}),
      Prefix: prefix,
      MaxUploads: maxUploads,
      IsTruncated: truncated,
      Upload: page.map((u) => ({
        Key: u.key,
        UploadId: u.id,
        Initiator: owner,
        Owner: owner,
        StorageClass: u.storageClass,
        Initiated: u.initiated.toISOString(),
      })),
    },
  };
}

async function listParts(ctx, bucket, key) {
  await requireBucket(bucket);
  const uploadId = ctx.query.uploadId;
  if ((await uploadKey(bucket, uploadId)) !== key) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
  }
  const dir = uploadDir(bucket, uploadId);
  const marker = Number(ctx.query['part-number-marker'] ?? 0);
  const maxParts = Math.min(1000, Number(ctx.query['max-parts'] ?? 1000));
  // A part counts once its `.md5` is written: s3rver writes it after the part's bytes.
  const numbers = (await readdir(dir))
    .map((name) => /^(\d+)\.md5$/.exec(name)?.[1])
    .filter((n) => n !== undefined)
    .map(Number)
    .filter((n) => n > marker)
    .sort((a, b) => a - b);
  const page = numbers.slice(0, maxParts);
  const truncated = numbers.length > page.length;
  const parts = await Promise.all(
    page.map(async (n) => {
      const md5 = (await readFile(join(dir, `${n}.md5`), 'utf8')).trim();
      const info = await stat(join(dir, String(n)));
      return {
        PartNumber: n,
        LastModified: info.mtime.toISOString(),
        ETag: JSON.stringify(md5),
        Size: info.size,
      };
    }),
  );
  const owner = { ID: 123456789000, DisplayName: 'S3rver' };
  ctx.body = {
    ListPartsResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumberMarker: marker,
      ...(truncated ? { NextPartNumberMarker: page[page.length - 1] } : {}),
      MaxParts: maxParts,
      IsTruncated: truncated,
      Initiator: owner,
      Owner: owner,
      StorageClass: 'STANDARD',
      Part: parts,
    },
  };
}

async function abortMultipartUpload(ctx, bucket, key) {
  await requireBucket(bucket);
  const uploadId = ctx.query.uploadId;
  if ((await uploadKey(bucket, uploadId)) !== key) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
  }
  await rm(uploadDir(bucket, uploadId), { recursive: true, force: true });
  ctx.status = 204;
  ctx.body = '';
}

async function uploadPartCopy(ctx, bucket, key) {
  await requireBucket(bucket);
  const { uploadId, partNumber } = ctx.query;
  if ((await uploadKey(bucket, uploadId)) !== key) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
  }
  const source = decodeURIComponent(ctx.get('x-amz-copy-source').split('?')[0]).replace(/^\//, '');
  const [srcBucket, ...rest] = source.split('/');
  const srcKey = rest.join('/');
  await requireBucket(srcBucket);
  if (!(await store.existsObject(srcBucket, srcKey))) {
    throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: srcKey });
  }
  const meta = await store.getMetadata(srcBucket, srcKey);
  const ifMatch = ctx.get('x-amz-copy-source-if-match');
  if (ifMatch && ifMatch.replace(/"/g, '') !== String(meta.etag).replace(/"/g, '')) {
    throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
      Condition: 'x-amz-copy-source-If-Match',
    });
  }
  const size = Number(meta['content-length']);
  const range = /^bytes=(\d+)-(\d+)$/.exec(ctx.get('x-amz-copy-source-range'));
  const start = range ? Number(range[1]) : 0;
  const end = range ? Number(range[2]) : size - 1;
  if (start > end || end >= size) {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable');
  }
  const content = createReadStream(store.getResourcePath(srcBucket, srcKey, 'object'), { start, end });
  const { md5 } = await store.putPart(bucket, uploadId, Number(partNumber), content);
  ctx.body = {
    CopyPartResult: { LastModified: new Date().toISOString(), ETag: JSON.stringify(md5) },
  };
}

/** Lets s3rver complete the upload, then sets the object's ETag to the multipart form S3 uses. */
async function completeWithS3Etag(ctx, next, bucket, key) {
  const dir = uploadDir(bucket, ctx.query.uploadId);
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const xml = Buffer.concat(chunks);
  ctx.req = Readable.from([xml]); // s3rver's handler parses the request body again
  const numbers = [...xml.toString().matchAll(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/g)].map((m) =>
    Number(m[1]),
  );
  const md5s = await Promise.all(
    numbers.map((n) =>
      readFile(join(dir, `${n}.md5`), 'utf8').catch(() => {
        throw new S3Error('InvalidPart', 'One or more of the specified parts could not be found.');
      }),
    ),
  );
  await next();
  const result = ctx.body?.CompleteMultipartUploadResult;
  if (!result) return;
  const hash = createHash('md5');
  for (const md5 of md5s) hash.update(Buffer.from(md5.trim(), 'hex'));
  const etag = `${hash.digest('hex')}-${md5s.length}`;
  await writeFile(`${store.getResourcePath(bucket, key, 'object')}.md5`, etag);
  result.ETag = JSON.stringify(etag);
}

/** Answers the added calls, after s3rver's own signature check; passes everything else on. */
async function multipartExtensions(ctx, next) {
  const [bucket, ...rest] = ctx.path.replace(/^\//, '').split('/').map(decodeURIComponent);
  const key = rest.join('/');
  let handler;
  if (ctx.method === 'GET' && bucket && !key && 'uploads' in ctx.query)
    handler = () => listMultipartUploads(ctx, bucket);
  else if (ctx.method === 'GET' && key && 'uploadId' in ctx.query)
    handler = () => listParts(ctx, bucket, key);
  else if (ctx.method === 'DELETE' && key && 'uploadId' in ctx.query)
    handler = () => abortMultipartUpload(ctx, bucket, key);
  else if (ctx.method === 'PUT' && key && 'uploadId' in ctx.query && ctx.get('x-amz-copy-source')) {
    handler = () => uploadPartCopy(ctx, bucket, key);
  } else if (ctx.method === 'POST' && key && 'uploadId' in ctx.query) {
    return completeWithS3Etag(ctx, next, bucket, key);
  }
  if (!handler) return next();
  ctx.params = { bucket, ...(key ? { key } : {}) };
  return checkAuth(ctx, handler);
}

/** The S3 call a request makes, as the counters name it; undefined for calls the tests do not count. */
function callOf(ctx, key) {
  const q = ctx.query;
  if (ctx.method === 'PUT' && key && 'uploadId' in q)
    return ctx.get('x-amz-copy-source') ? 'UploadPartCopy' : 'UploadPart';
  if (ctx.method === 'PUT' && key) return ctx.get('x-amz-copy-source') ? 'CopyObject' : 'PutObject';
  if (ctx.method === 'POST' && key && 'uploads' in q) return 'CreateMultipartUpload';
  if (ctx.method === 'POST' && key && 'uploadId' in q) return 'CompleteMultipartUpload';
  if (ctx.method === 'DELETE' && key && 'uploadId' in q) return 'AbortMultipartUpload';
  if (ctx.method === 'GET' && key && 'uploadId' in q) return 'ListParts';
  return undefined;
}

/** Requests received per bucket and call: `{ [bucket]: { UploadPart: 5, ... } }`. */
const received = new Map();

/** Counts each request's S3 call before s3rver sees it, and answers the counter endpoint. */
async function countRequests(ctx, next) {
  if (ctx.method === 'GET' && ctx.path === '/_keepsake/requests') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(received.get(ctx.query.bucket) ?? {});
    return;
  }
  const [bucket, ...rest] = ctx.path.replace(/^\//, '').split('/').map(decodeURIComponent);
  const call = callOf(ctx, rest.join('/'));
  if (bucket && call) {
    const counts = received.get(bucket) ?? {};
    counts[call] = (counts[call] ?? 0) + 1;
    received.set(bucket, counts);
  }
  return next();
}

// s3rver registers its router last; run the extensions just before it (after its XML encoder).
server.middleware.splice(server.middleware.length - 1, 0, multipartExtensions);
server.middleware.unshift(countRequests);

const { address, port } = await server.run();
// Node closes idle keep-alive sockets after 5 s; a request the SDK sends on one at that moment gets
// "socket hang up". Real S3 keeps them for about 20 s; so does this test server, to avoid that race.
server.httpServer.keepAliveTimeout = 20_000;
server.httpServer.headersTimeout = 21_000;
if (!values.silent) console.log(`s3rver listening on ${address}:${port}`);
