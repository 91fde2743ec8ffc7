// Runs the Cloud Storage emulator of firebase-tools from Node alone, for the GCS conformance tests.
//
//   node launch.mjs <port> [host]
//
// The firebase CLI would also start the Java rules runtime; the GCS JSON API (`gcloud.js` in the
// emulator) never consults rules (it uses the admin storage layer), so only the storage core and its
// Express app are started here. Around that app this launcher fixes the gaps between the emulator and
// real Cloud Storage that the destination depends on, and nothing else:
// - `@google-cloud/storage` addresses the JSON API as `/storage/v1/b/...`, which the emulator only
//   serves (for most methods) as `/b/...`: the prefix is rewritten.
// - The emulator creates any bucket on first mention and has no bucket create/get endpoints. Real GCS
//   answers 404 `notFound` for a bucket that does not exist, so buckets must be created
//   (`POST /storage/v1/b`), `GET /storage/v1/b/<name>` reports them, and any request naming an
//   unknown bucket gets the same 404 GCS sends.
// - The emulator drops `storageClass` given at upload or copy (rewrite) time and always reports
//   STANDARD; the requested class is kept on the stored object, as GCS does.
// Everything else (objects, uploads, ranges, listing, pagination, copy, delete, hashes) is the
// emulator's own code. Data lives in memory and in a private temp folder removed on exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.argv[2]);
const host = process.argv[3] ?? '127.0.0.1';
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node launch.mjs <port> [host]');
  process.exit(2);
}

// The emulator keeps blobs under os.tmpdir()/firebase/storage/blobs and removes that folder on
// stop; a private TMPDIR keeps parallel emulators from sharing (and deleting) each other's files.
const dataDir = mkdtempSync(join(tmpdir(), 'keepsake-gcs-emulator-'));
process.env.TMPDIR = dataDir;

const require = createRequire(import.meta.url);
const lib = join(require.resolve('firebase-tools/package.json'), '..', 'lib', 'emulator');
const { StorageEmulator } = require(join(lib, 'storage', 'index.js'));
const { createApp } = require(join(lib, 'storage', 'server.js'));
const { EmulatorRegistry } = require(join(lib, 'registry.js'));

const projectId = 'keepsake-test';
const emulator = new StorageEmulator({ projectId, host, port, auto_download: false });
// Object metadata responses build their selfLink from the registry entry.
EmulatorRegistry.set(emulator.getName(), emulator);

const storageClasses = new Set(['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE', 'MULTI_REGIONAL', 'REGIONAL']);
const layer = emulator.adminStorageLayer;
const uploadObject = layer.uploadObject.bind(layer);
layer.uploadObject = async (upload) => {
  const stored = await uploadObject(upload);
  const wanted = upload.metadata?.storageClass;
  if (typeof wanted === 'string' && storageClasses.has(wanted.toUpperCase())) {
    stored.storageClass = wanted.toUpperCase();
  }
  return stored;
};
const copyObject = layer.copyObject.bind(layer);
layer.copyObject = (request) => {
  const source = layer.getMetadata(request.sourceBucket, request.sourceObject);
  const stored = copyObject(request);
  const wanted = request.incomingMetadata?.storageClass;
  if (typeof wanted === 'string' && storageClasses.has(wanted.toUpperCase())) {
    stored.storageClass = wanted.toUpperCase();
  } else if (source) {
    stored.storageClass = source.storageClass;
  }
  return stored;
};

const app = await createApp(projectId, emulator);

/** Buckets created through the API; everything else does not exist, as on GCS. */
const buckets = new Map();

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res, status, reason, message) {
  sendJson(res, status, {
    error: { code: status, message, errors: [{ message, domain: 'global', reason }] },
  });
}

function bucketResource(name, created) {
  return {
    kind: 'storage#bucket',
    id: name,
    name,
    projectNumber: '000000000000',
    metageneration: '1',
    location: 'US',
    storageClass: 'STANDARD',
    etag: 'CAE=',
    locationType: 'multi-region',
    timeCreated: created,
    updated: created,
  };
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/** Names of the buckets a JSON-API path refers to (the copy/rewrite route names two). */
function bucketsInPath(pathname) {
  const names = [];
  for (const m of pathname.matchAll(/\/b\/([^/]+)/g)) names.push(decodeURIComponent(m[1]));
  return names;
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  let path = url.pathname;
  if (path === '/storage/v1/b' || path.startsWith('/storage/v1/b/')) path = path.slice('/storage/v1'.length);

  if (path === '/b' && req.method === 'POST') {
    const body = await readJson(req);
    const name = typeof body.name === 'string' ? body.name : '';
    if (!/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(name)) {
      return sendError(res, 400, 'invalid', `Invalid bucket name: '${name}'`);
    }
    if (buckets.has(name)) {
      return sendError(
        res,
        409,
        'conflict',
        'Your previous request to create the named bucket succeeded and you already own it.',
      );
    }
    buckets.set(name, new Date().toISOString());
    layer.createBucket(name);
    return sendJson(res, 200, bucketResource(name, buckets.get(name)));
  }
  const bucketOnly = /^\/b\/([^/]+)\/?$/.exec(path);
  if (bucketOnly) {
    const name = decodeURIComponent(bucketOnly[1]);
    if (!buckets.has(name)) return sendError(res, 404, 'notFound', 'The specified bucket does not exist.');
    if (req.method === 'GET') return sendJson(res, 200, bucketResource(name, buckets.get(name)));
    if (req.method === 'DELETE') {
      buckets.delete(name);
      res.writeHead(204).end();
      return;
    }
    return sendError(res, 501, 'notImplemented', `${req.method} on a bucket is not emulated`);
  }
  for (const name of bucketsInPath(path)) {
    if (!buckets.has(name)) return sendError(res, 404, 'notFound', 'The specified bucket does not exist.');
  }
  req.url = path + url.search;
  app(req, res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    if (!res.headersSent) sendError(res, 500, 'backendError', String(err?.message ?? err));
    else res.destroy();
  });
});
// Large single-request uploads can take a while on a loaded test machine.
server.requestTimeout = 0;
server.listen(port, host, () => console.log(`gcs emulator listening on http://${host}:${port}`));

function shutdown() {
  server.close();
  server.closeAllConnections?.();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
