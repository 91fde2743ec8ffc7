import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  ContainerSASPermissions,
  RestError,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError, type DestinationErrorKind } from '../errors.js';
import { bodyOf, readAll } from '../testing/conformance.js';
import { AZURITE_ACCOUNT, AZURITE_KEY, azureHarness } from '../testing/azure-harness.js';
import { AzureDestination, type AzureConfig } from './azure.js';
import { classifyAzureError, redactSecrets } from './errors.js';
import { rehydrationStateOf } from './rehydration.js';
import { blockSizeFor } from './upload.js';

const MiB = 1024 * 1024;
// Big buffers are compared by digest: a deep toEqual over megabytes blocks the event loop for
// seconds, long enough for azurite's 5 s keep-alive timeout to close pooled sockets unnoticed.
const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function failure(promise: Promise<unknown>): Promise<DestinationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail with a DestinationError').toBeInstanceOf(DestinationError);
  return err as DestinationError;
}

async function expectKind(
  promise: Promise<unknown>,
  kinds: DestinationErrorKind[],
): Promise<DestinationError> {
  const err = await failure(promise);
  expect(kinds).toContain(err.kind);
  return err;
}

async function keysOf(dest: AzureDestination, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of dest.list(prefix)) keys.push(o.key);
  return keys.sort();
}

/** A RestError-shaped object as the SDK throws it (service code in code, details and header). */
function restError(statusCode: number | undefined, code: string, headers: Record<string, string> = {}) {
  const err = new RestError(`${code} happened.\nRequestId:abc\nTime:2026-06-14T12:00:00Z`, {
    ...(statusCode === undefined ? {} : { statusCode }),
    code,
  });
  return Object.assign(err, {
    details: statusCode === undefined ? undefined : { errorCode: code },
    response: { headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}

const ctx = { destination: 'cloud', what: 'key "objects/ab/cd" in container "photos"', nowMs: 1_000_000 };

describe('classifyAzureError', () => {
  const cases: [string, unknown, DestinationErrorKind][] = [
    ['BlobNotFound', restError(404, 'BlobNotFound'), 'not-found'],
    [
      'HEAD 404 (code only in the header)',
      {
        name: 'RestError',
        statusCode: 404,
        response: { headers: { get: (n: string) => (n === 'x-ms-error-code' ? 'BlobNotFound' : undefined) } },
      },
      'not-found',
    ],
    ['ContainerNotFound', restError(404, 'ContainerNotFound'), 'missing-container'],
    ['AuthenticationFailed', restError(403, 'AuthenticationFailed'), 'auth'],
    ['InvalidAuthenticationInfo', restError(400, 'InvalidAuthenticationInfo'), 'auth'],
    ['401 without code', { statusCode: 401 }, 'auth'],
    ['AuthorizationPermissionMismatch', restError(403, 'AuthorizationPermissionMismatch'), 'permission'],
    ['AuthorizationFailure', restError(403, 'AuthorizationFailure'), 'permission'],
    ['other 403', restError(403, 'SomethingNew'), 'permission'],
    ['ServerBusy', restError(503, 'ServerBusy'), 'throttled'],
    ['429', restError(429, 'TooManyRequests'), 'throttled'],
    ['503 without known code', restError(503, 'ServiceUnavailable'), 'throttled'],
    ['500 InternalError', restError(500, 'InternalError'), 'transient'],
    ['500 OperationTimedOut', restError(500, 'OperationTimedOut'), 'transient'],
    ['502', restError(502, 'BadGateway'), 'transient'],
    ['ECONNREFUSED', restError(undefined, 'ECONNREFUSED'), 'unavailable'],
    ['ENOTFOUND', restError(undefined, 'ENOTFOUND'), 'unavailable'],
    ['ETIMEDOUT', restError(undefined, 'ETIMEDOUT'), 'unavailable'],
    ['ECONNRESET', restError(undefined, 'ECONNRESET'), 'transient'],
    ['REQUEST_SEND_ERROR', restError(undefined, 'REQUEST_SEND_ERROR'), 'transient'],
    [
      'AbortError',
      Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }),
      'transient',
    ],
    ['Md5Mismatch', restError(400, 'Md5Mismatch'), 'integrity'],
    ['InvalidMd5', restError(400, 'InvalidMd5'), 'integrity'],
    ['InvalidBlockList', restError(400, 'InvalidBlockList'), 'transient'],
    ['BlobArchived', restError(409, 'BlobArchived'), 'needs-rehydration'],
    ['BlobBeingRehydrated', restError(409, 'BlobBeingRehydrated'), 'needs-rehydration'],
    ['InvalidHeaderValue', restError(400, 'InvalidHeaderValue'), 'permanent'],
    ['BlobAlreadyExists', restError(409, 'BlobAlreadyExists'), 'permanent'],
    ['a plain TypeError', new TypeError('x is not a function'), 'permanent'],
  ];
  it.each(cases)('%s', (_label, err, kind) => {
    const classified = classifyAzureError(err, ctx);
    expect(classified).toBeInstanceOf(DestinationError);
    expect(classified.kind).toBe(kind);
    expect(classified.message).toContain('cloud: key "objects/ab/cd" in container "photos"');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(classifyAzureError(restError(503, 'ServerBusy', { 'retry-after': '7' }), ctx).retryAfterMs).toBe(
      7000,
    );
    const at = new Date(ctx.nowMs + 30_000).toUTCString();
    expect(
      classifyAzureError(restError(429, 'TooManyRequests', { 'retry-after': at }), ctx).retryAfterMs,
    ).toBe(30_000);
    expect(classifyAzureError(restError(503, 'ServerBusy'), ctx).retryAfterMs).toBeUndefined();
  });

  it('passes DestinationErrors through unchanged', () => {
    const original = new DestinationError('full', 'cloud', 'quota');
    expect(classifyAzureError(original, ctx)).toBe(original);
  });

  it('never puts SAS signatures or account keys in messages or causes', () => {
    const leaky = restError(403, 'AuthenticationFailed');
    leaky.message =
      'Failed for https://acct.blob.core.windows.net/photos/k?sv=2024-01-01&sp=r&sig=TOPSECRET%2Fsig%3D&se=x ' +
      'with DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=KEYSECRET==;EndpointSuffix=x ' +
      'and Authorization: SharedKey acct:SIGSECRET=';
    const err = classifyAzureError(leaky, ctx);
    const all = `${err.message} ${(err.cause as Error).message} ${JSON.stringify(err.cause)}`;
    expect(all).not.toMatch(/TOPSECRET|KEYSECRET|SIGSECRET/);
    expect(err.message).toContain('sig=REDACTED');
    expect(err.cause).not.toHaveProperty('request');
    expect(redactSecrets('a?sig=abc&x=1')).toBe('a?sig=REDACTED&x=1');
  });
});

describe('rehydrationStateOf', () => {
  it('tells online, archived and rehydrating blobs apart', () => {
    expect(rehydrationStateOf({ accessTier: 'Hot' })).toEqual({ state: 'online', tier: 'Hot' });
    expect(rehydrationStateOf({ accessTier: 'Archive' })).toEqual({ state: 'archived' });
    expect(
      rehydrationStateOf({
        accessTier: 'Archive',
        archiveStatus: 'rehydrate-pending-to-cool',
        rehydratePriority: 'High',
      }),
    ).toEqual({ state: 'rehydrating', to: 'Cool', priority: 'High' });
    expect(rehydrationStateOf({ accessTier: 'Archive', archiveStatus: 'rehydrate-pending-to-hot' })).toEqual({
      state: 'rehydrating',
      to: 'Hot',
      priority: undefined,
    });
  });
});

describe('blockSizeFor', () => {
  it('keeps the preferred size and grows it to stay within 50,000 blocks', () => {
    expect(blockSizeFor(100 * MiB, 8 * MiB)).toBe(8 * MiB);
    expect(blockSizeFor(1024 * 1024 * MiB, 8 * MiB)).toBe(21 * MiB);
    expect(Math.ceil((1024 * 1024 * MiB) / blockSizeFor(1024 * 1024 * MiB, 8 * MiB))).toBeLessThanOrEqual(
      50_000,
    );
  });
});

describe('configuration', () => {
  const base = { name: 'cfg', container: 'photos' };
  it('refuses an ambiguous or incomplete configuration without echoing secrets', () => {
    const cases: Partial<AzureConfig>[] = [
      {},
      {
        accountName: 'acct',
        accountKey: 'c2VjcmV0LWtleQ==',
        sasUrl: 'https://acct.blob.core.windows.net/photos?sig=SASSECRET',
      },
      { accountName: 'acct' },
      { connectionString: 'not a connection string at all CSSECRET' },
      { sasUrl: 'https://acct.blob.core.windows.net/photos?sv=1' },
      { connectionString: 'UseDevelopmentStorage=true', accountKey: 'c2VjcmV0LWtleQ==' },
      { accountKey: 'c2VjcmV0LWtleQ==' },
      { accountName: 'acct', accountKey: 'c2VjcmV0LWtleQ==', endpoint: 'not a url' },
      { accountName: 'acct', accountKey: 'c2VjcmV0LWtleQ==', container: 'Not_Valid' },
      { accountName: 'acct', accountKey: 'c2VjcmV0LWtleQ==', accessTier: 'Glacier' as 'Hot' },
      { accountName: 'acct', accountKey: 'c2VjcmV0LWtleQ==', prefix: 'bad prefix/..' },
    ];
    for (const extra of cases) {
      let err: unknown;
      try {
        new AzureDestination({ ...base, ...extra });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(extra)).toBeInstanceOf(DestinationError);
      expect((err as DestinationError).kind).toBe('permanent');
      expect((err as DestinationError).message).not.toMatch(/SECRET|c2VjcmV0/);
    }
  });
});

/** An HTTP proxy in front of azurite that can damage a request body or answer in azurite's place. */
interface Proxy {
  port: number;
  requests: number;
  /** Put Block requests the service accepted (answered 201) and whose answer reached the client. */
  blocksStored: number;
  /** Decides per request: forward it, flip one byte of its body, or answer with this error. */
  decide: (
    req: IncomingMessage,
  ) => 'pass' | 'corrupt' | { status: number; code: string; headers?: Record<string, string> };
  close(): Promise<void>;
}

async function startProxy(targetPort: number): Promise<Proxy> {
  const proxy: Proxy = {
    port: 0,
    requests: 0,
    blocksStored: 0,
    decide: () => 'pass',
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    proxy.requests++;
    const decision = proxy.decide(req);
    if (typeof decision === 'object') {
      req.resume();
      res.writeHead(decision.status, { 'x-ms-error-code': decision.code, ...decision.headers });
      res.end(
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>${decision.code}</Code><Message>from proxy</Message></Error>`,
      );
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (isStageBlock(req) && upRes.statusCode === 201) res.on('finish', () => proxy.blocksStored++);
        upRes.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    let flipped = decision !== 'corrupt';
    req.on('data', (chunk: Buffer) => {
      if (!flipped && chunk.length > 0) {
        chunk = Buffer.from(chunk);
        chunk[chunk.length >> 1] = (chunk[chunk.length >> 1] ?? 0) ^ 0x5a;
        flipped = true;
      }
      upstream.write(chunk);
    });
    req.on('end', () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}

const isStageBlock = (req: IncomingMessage) =>
  req.method === 'PUT' && /[?&]comp=block(&|$)/.test(req.url ?? '');
const isPutBlob = (req: IncomingMessage) =>
  req.method === 'PUT' && !/[?&]comp=/.test(req.url ?? '') && req.headers['x-ms-blob-type'] === 'BlockBlob';

describe('azure destination on azurite', () => {
  const harness = azureHarness();
  beforeAll(() => harness.setup!());
  afterAll(() => harness.teardown!());

  const small = { upload: { blockSize: 1 * MiB, parallel: 3 } };

  it('uploads in MD5-checked blocks and reports the committed whole-object MD5', async () => {
    const dest = await harness.createWith({}, small);
    const data = randomBytes(3 * MiB + 12_345);
    await dest.put('photos/raw1', bodyOf(data), { size: data.length, expect: { md5: md5hex(data) } });
    expect(await dest.digest('photos/raw1')).toEqual({ md5: md5hex(data) });
    expect(md5hex(await readAll(await dest.get('photos/raw1')))).toBe(md5hex(data));
    const blob = harness.service().getContainerClient(dest.container).getBlockBlobClient('photos/raw1');
    const list = await blob.getBlockList('all');
    expect(list.committedBlocks?.map((b) => b.size)).toEqual([MiB, MiB, MiB, 12_345]);
    expect(list.uncommittedBlocks).toEqual([]);
  });

  it('sends a small object in one request whose MD5 the service computes', async () => {
    const dest = await harness.createWith({}, small);
    const data = randomBytes(1000);
    await dest.put('small/one', bodyOf(data), { size: data.length });
    expect(await dest.digest('small/one')).toEqual({ md5: md5hex(data) });
    const list = await harness
      .service()
      .getContainerClient(dest.container)
      .getBlockBlobClient('small/one')
      .getBlockList('all');
    expect(list.committedBlocks ?? []).toEqual([]);
  });

  it('refuses a wrong expected MD5 in both upload paths, leaving nothing', async () => {
    const dest = await harness.createWith({}, small);
    for (const size of [500, 2 * MiB + 1]) {
      const data = randomBytes(size);
      const err = await expectKind(
        dest.put('bad/md5', bodyOf(data), { size, expect: { md5: md5hex(Buffer.from('other')) } }),
        ['integrity'],
      );
      expect(err.message).toContain('md5 mismatch');
      await expectKind(dest.stat('bad/md5'), ['not-found']);
    }
  });

  it('refuses a block body longer or shorter than announced; stale blocks stay invisible and are dropped by the next put', async () => {
    const dest = await harness.createWith({}, small);
    const blob = harness.service().getContainerClient(dest.container).getBlockBlobClient('stale/k');
    // Slow 1 MiB chunks, so the blocks before the bad length are staged before it shows.
    const slowly = (chunks: number) =>
      Readable.from(
        (async function* () {
          for (let i = 0; i < chunks; i++) {
            yield randomBytes(MiB);
            await new Promise((r) => setTimeout(r, 300));
          }
        })(),
      );
    await expectKind(dest.put('stale/k', slowly(4), { size: 3 * MiB }), ['integrity']);
    await expectKind(dest.put('stale/k', slowly(2), { size: 3 * MiB }), ['integrity']);
    await expectKind(dest.stat('stale/k'), ['not-found']);
    expect(await keysOf(dest, 'stale/')).toEqual([]);
    const staged = await blob.getBlockList('all');
    expect(staged.committedBlocks).toEqual([]);
    expect(staged.uncommittedBlocks?.length, 'the failed puts staged blocks').toBeGreaterThan(0);

    const data = randomBytes(2 * MiB + 7);
    await dest.put('stale/k', bodyOf(data), { size: data.length });
    expect(md5hex(await readAll(await dest.get('stale/k')))).toBe(md5hex(data));
    const after = await blob.getBlockList('all');
    expect(after.committedBlocks?.length).toBe(3);
    expect(after.uncommittedBlocks).toEqual([]);
  });

  it('keeps concurrent puts to one key whole: the key holds one body entirely, a loser fails as transient', async () => {
    const dest = await harness.createWith({}, { upload: { blockSize: 1 * MiB, parallel: 2 } });
    const bodies = [randomBytes(4 * MiB + 1), randomBytes(4 * MiB + 2), randomBytes(4 * MiB + 3)];
    const results = await Promise.allSettled(
      bodies.map((b) => dest.put('race/k', bodyOf(b), { size: b.length })),
    );
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(DestinationError);
        expect((r.reason as DestinationError).kind).toBe('transient');
      }
    }
    const stored = await readAll(await dest.get('race/k'));
    const winner = bodies.findIndex((b) => b.equals(stored));
    expect(winner).toBeGreaterThanOrEqual(0);
    expect(results[winner]?.status).toBe('fulfilled');
    expect((await dest.digest('race/k')).md5).toBe(md5hex(stored));
  });

  it('resumes a cut block upload: stored blocks of the same bytes are checked, not sent again', async () => {
    const proxy = await startProxy(harness.server.port);
    try {
      const dest = await harness.createWith(
        { endpoint: `http://127.0.0.1:${proxy.port}/${AZURITE_ACCOUNT}` },
        { upload: { blockSize: MiB, parallel: 2 } },
      );
      const data = randomBytes(5 * MiB + 100);
      const chunks = Array.from({ length: 6 }, (_, i) => data.subarray(i * MiB, (i + 1) * MiB));
      let stages = 0;
      proxy.decide = (req) => {
        if (isStageBlock(req)) stages++;
        return 'pass';
      };
      // The source fails after 3 MiB, once the service has stored those 3 blocks.
      const tokens: string[] = [];
      const cut = Readable.from(
        (async function* () {
          yield* chunks.slice(0, 3);
          for (let waited = 0; proxy.blocksStored < 3 && waited < 10_000; waited += 20) {
            await new Promise((r) => setTimeout(r, 20));
          }
          throw new Error('disk unplugged');
        })(),
      );
      const onCheckpoint = (t: string) => tokens.push(t);
      await failure(dest.put('big/v', cut, { size: data.length, resume: { onCheckpoint } }));
      await expectKind(dest.stat('big/v'), ['not-found']);
      expect(stages).toBe(3);
      expect(tokens.length).toBeGreaterThan(0);
      const token = tokens.at(-1)!;

      stages = 0;
      await dest.put('big/v', bodyOf(data), { size: data.length, resume: { token, onCheckpoint } });
      expect(stages, 'only the 3 blocks not yet stored are sent').toBe(3);
      expect(md5hex(await readAll(await dest.get('big/v')))).toBe(md5hex(data));
      expect(await dest.digest('big/v')).toEqual({ md5: md5hex(data) });

      // The same token with other bytes: every block differs, so every block is sent.
      const other = randomBytes(data.length);
      stages = 0;
      await dest.put('big/w', bodyOf(other), { size: other.length, resume: { token, onCheckpoint } });
      expect(stages).toBe(6);
      expect(md5hex(await readAll(await dest.get('big/w')))).toBe(md5hex(other));

      // After the commit of big/v its staged blocks are gone: the token no longer saves anything.
      stages = 0;
      await dest.put('big/v', bodyOf(data), { size: data.length, resume: { token, onCheckpoint } });
      expect(stages).toBe(6);

      // Tokens that are not ours, or for another size, are ignored.
      for (const bogus of ['garbage', Buffer.from('{"v":1}').toString('base64url')]) {
        await dest.put('big/x', bodyOf(data), { size: data.length, resume: { token: bogus, onCheckpoint } });
      }
      await dest.put('big/y', bodyOf(other.subarray(1)), {
        size: other.length - 1,
        resume: { token, onCheckpoint },
      });
      expect(md5hex(await readAll(await dest.get('big/y')))).toBe(md5hex(other.subarray(1)));
    } finally {
      await proxy.close();
    }
  });

  it('a block damaged in transit is refused by the service and nothing is committed', async () => {
    const proxy = await startProxy(harness.server.port);
    try {
      const endpoint = `http://127.0.0.1:${proxy.port}/${AZURITE_ACCOUNT}`;
      const viaProxy = await harness.createWith({ endpoint }, small);
      const direct = await harness.createWith({ container: viaProxy.container }, small);
      const data = randomBytes(3 * MiB + 5);

      // Control: through the untouched proxy the same put works.
      await viaProxy.put('tx/ok', bodyOf(data), { size: data.length });
      expect(md5hex(await readAll(await direct.get('tx/ok')))).toBe(md5hex(data));

      let blocks = 0;
      proxy.decide = (req) => (isStageBlock(req) && ++blocks === 2 ? 'corrupt' : 'pass');
      const err = await failure(viaProxy.put('tx/damaged', bodyOf(data), { size: data.length }));
      // Real Azure answers Md5Mismatch (integrity); azurite answers 400 InvalidOperation
      // "Provided contentMD5 doesn't match.", which classifies as permanent.
      expect(['integrity', 'permanent']).toContain(err.kind);
      expect(err.message).toMatch(/Md5Mismatch|contentMD5 doesn't match/);
      expect(err.message).toContain(`key "tx/damaged" in container "${viaProxy.container}"`);
      await expectKind(direct.stat('tx/damaged'), ['not-found']);

      proxy.decide = (req) => (isPutBlob(req) ? 'corrupt' : 'pass');
      const small1 = randomBytes(5000);
      const err2 = await failure(viaProxy.put('tx/small', bodyOf(small1), { size: small1.length }));
      expect(err2.message).toMatch(/Md5Mismatch|contentMD5 doesn't match/);
      await expectKind(direct.stat('tx/small'), ['not-found']);
    } finally {
      await proxy.close();
    }
  });

  it('makes exactly one request per call (no SDK retries) and passes on Retry-After', async () => {
    const proxy = await startProxy(harness.server.port);
    try {
      const dest = await harness.createWith({
        endpoint: `http://127.0.0.1:${proxy.port}/${AZURITE_ACCOUNT}`,
      });
      proxy.decide = () => ({ status: 503, code: 'ServerBusy', headers: { 'retry-after': '3' } });
      const before = proxy.requests;
      const busy = await expectKind(dest.stat('any/key'), ['throttled']);
      expect(busy.retryAfterMs).toBe(3000);
      expect(proxy.requests - before).toBe(1);

      proxy.decide = () => ({ status: 500, code: 'InternalError' });
      const before2 = proxy.requests;
      await expectKind(dest.put('any/key', bodyOf('abc'), { size: 3 }), ['transient']);
      expect(proxy.requests - before2).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('lists across many small pages, relative to the prefix, and keeps prefixes apart', async () => {
    const a = await harness.createWith({ prefix: 'studio-a' }, { listPageSize: 7 });
    const b = await harness.createWith({ container: a.container, prefix: '/studio-b/' }, { listPageSize: 7 });
    const keys = Array.from({ length: 23 }, (_, i) => `p/k${String(i).padStart(2, '0')}`);
    await Promise.all(keys.map((k) => a.put(k, bodyOf(k), { size: k.length })));
    await b.put('p/other', bodyOf('x'), { size: 1 });
    expect(await keysOf(a, 'p/')).toEqual(keys);
    expect(await keysOf(a, '')).toEqual(keys);
    expect(await keysOf(b, '')).toEqual(['p/other']);
    const names: string[] = [];
    for await (const item of harness.service().getContainerClient(a.container).listBlobsFlat())
      names.push(item.name);
    expect(names).toContain('studio-a/p/k00');
    expect(names).toContain('studio-b/p/other');
    await expectKind(b.stat('p/k00'), ['not-found']);
  });

  it('promotes with the asynchronous copy too, and overwrites the target', async () => {
    const dest = await harness.createWith({}, { ...small, syncCopyMaxBytes: 0 });
    const data = randomBytes(2 * MiB + 3);
    await dest.put('objects/ff/final', bodyOf('old'), { size: 3 });
    await dest.put('staging/s', bodyOf(data), { size: data.length });
    await dest.promote('staging/s', 'objects/ff/final');
    expect(md5hex(await readAll(await dest.get('objects/ff/final')))).toBe(md5hex(data));
    expect(await dest.digest('objects/ff/final')).toEqual({ md5: md5hex(data) });
    await expectKind(dest.stat('staging/s'), ['not-found']);
    const err = await expectKind(dest.promote('staging/s', 'objects/ff/again'), ['not-found']);
    expect(err.message).toContain(`key "staging/s" in container "${dest.container}"`);
    await dest.promote('objects/ff/final', 'objects/ff/final');
    expect(md5hex(await readAll(await dest.get('objects/ff/final')))).toBe(md5hex(data));
  });

  it('stops a put when its signal aborts, committing nothing', async () => {
    const dest = await harness.createWith({}, small);
    const abort = new AbortController();
    const body = Readable.from(
      (async function* () {
        yield randomBytes(MiB);
        abort.abort();
        yield randomBytes(MiB);
        yield randomBytes(MiB);
      })(),
    );
    await expectKind(dest.put('cancel/k', body, { size: 3 * MiB, signal: abort.signal }), ['transient']);
    await expectKind(dest.stat('cancel/k'), ['not-found']);
  });

  it('sets the configured tier, storage classes override it, temporary puts are Hot, promote applies it', async () => {
    const dest = await harness.createWith({ accessTier: 'Cool' }, small);
    await dest.put('t/cool', bodyOf('c'), { size: 1 });
    expect(await dest.stat('t/cool')).toMatchObject({ storageClass: 'Cool', archived: false });
    await dest.put('t/hot', bodyOf('h'), { size: 1, storageClass: 'hot' });
    expect((await dest.stat('t/hot')).storageClass).toBe('Hot');
    const big = randomBytes(2 * MiB + 1);
    for (const [key, body] of [
      ['t/staged-small', Buffer.from('s')],
      ['t/staged-big', big],
    ] as const) {
      await dest.put(key, bodyOf(body), { size: body.length, temporary: true, storageClass: 'Archive' });
      expect((await dest.stat(key)).storageClass).toBe('Hot');
      await dest.promote(key, `${key}-final`);
      expect((await dest.stat(`${key}-final`)).storageClass).toBe('Cool');
    }
    await expectKind(dest.put('t/x', bodyOf('x'), { size: 1, storageClass: 'GLACIER' }), ['permanent']);
  });

  it('archives, refuses reads until rehydrated, and rehydrates (azurite: at once)', async () => {
    const dest = await harness.createWith();
    const data = randomBytes(4000);
    await dest.put('arch/a', bodyOf(data), { size: data.length, storageClass: 'Archive' });
    expect(await dest.stat('arch/a')).toMatchObject({ storageClass: 'Archive', archived: true });
    const listed = [];
    for await (const o of dest.list('arch/')) listed.push(o);
    expect(listed).toEqual([
      expect.objectContaining({ key: 'arch/a', archived: true, storageClass: 'Archive' }),
    ]);
    await expectKind(
      dest.get('arch/a').then((s) => readAll(s)),
      ['needs-rehydration'],
    );
    await expectKind(dest.promote('arch/a', 'arch/b'), ['needs-rehydration']);
    expect(await dest.digest('arch/a')).toEqual({ md5: md5hex(data) });
    expect(await dest.rehydrationState('arch/a')).toEqual({ state: 'archived' });

    await dest.put('arch/c', bodyOf('c'), { size: 1, storageClass: 'Archive' });
    await dest.requestRehydration('arch/c', { speed: 'fast', days: 1 });
    expect(await dest.stat('arch/c')).toMatchObject({ storageClass: 'Hot', archived: false });
    await dest.requestRehydration('arch/c', { speed: 'standard', days: 1 }); // online: a no-op

    await dest.requestRehydrate('arch/a', 'High', 'Cool');
    // Real Azure keeps the blob in Archive with archiveStatus rehydrate-pending-to-cool for hours;
    // azurite changes the tier immediately.
    expect(await dest.rehydrationState('arch/a')).toEqual({ state: 'online', tier: 'Cool' });
    expect(md5hex(await readAll(await dest.get('arch/a')))).toBe(md5hex(data));
    await dest.requestRehydrate('arch/a', 'High');
    expect((await dest.stat('arch/a')).storageClass).toBe('Cool');
  });

  it('works with a connection string, whose endpoint a configured one replaces', async () => {
    const container = await harness.newContainer();
    const connectionString = (endpoint: string) =>
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=${endpoint};`;
    const dest = new AzureDestination({
      name: 'cs',
      container,
      accountName: AZURITE_ACCOUNT, // beside a connection string, ignored
      connectionString: connectionString(harness.endpoint),
    });
    await dest.check();
    await dest.put('cs/a', bodyOf('hello'), { size: 5 });
    await dest.promote('cs/a', 'cs/b');
    expect((await readAll(await dest.get('cs/b'))).toString()).toBe('hello');

    const elsewhere = connectionString(`http://127.0.0.1:9/${AZURITE_ACCOUNT}`);
    const unreachable = new AzureDestination({ name: 'cs', container, connectionString: elsewhere });
    await expectKind(unreachable.check(), ['unavailable']);
    const redirected = new AzureDestination({
      name: 'cs',
      container,
      connectionString: elsewhere,
      endpoint: harness.endpoint,
    });
    expect((await readAll(await redirected.get('cs/b'))).toString()).toBe('hello');
  });

  it('works with a container SAS URL (or an account URL plus that SAS), and reports missing permissions', async () => {
    const container = await harness.newContainer();
    const sas = (permissions: string) =>
      generateBlobSASQueryParameters(
        {
          containerName: container,
          permissions: ContainerSASPermissions.parse(permissions),
          expiresOn: new Date(Date.now() + 3600_000),
        },
        new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
      ).toString();
    const viaSas = (url: string, name = 'sas') =>
      new AzureDestination({ name, container, sasUrl: url }, { upload: { blockSize: MiB, parallel: 2 } });

    const full = viaSas(`${harness.endpoint}/${container}?${sas('racwdl')}`);
    await full.check();
    const data = randomBytes(2 * MiB + 1);
    await full.put('s/a', bodyOf(data), { size: data.length });
    await full.promote('s/a', 's/b');
    expect(md5hex(await readAll(await full.get('s/b')))).toBe(md5hex(data));
    expect(await keysOf(full, 's/')).toEqual(['s/b']);

    const account = viaSas(`${harness.endpoint}?${sas('racwdl')}`);
    expect(await keysOf(account, 's/')).toEqual(['s/b']);

    const readOnly = viaSas(`${harness.endpoint}/${container}?${sas('rl')}`, 'readonly');
    await readOnly.check();
    const denied = await expectKind(readOnly.put('s/c', bodyOf('x'), { size: 1 }), ['permission']);
    expect(denied.message).toContain(`key "s/c" in container "${container}"`);

    const forged = sas('racwdl').replace(/sig=[^&]+/, 'sig=FORGEDSIGNATURE');
    const bad = viaSas(`${harness.endpoint}/${container}?${forged}`, 'forged');
    const err = await expectKind(bad.check(), ['auth', 'permission']);
    expect(err.message).not.toMatch(/FORGEDSIGNATURE/);
    expect(JSON.stringify(err.cause)).not.toMatch(/FORGEDSIGNATURE/);
  });

  it('names container and key in messages', async () => {
    const dest = await harness.createWith();
    const err = await expectKind(dest.stat('nope/x'), ['not-found']);
    expect(err.message).toBe(
      `test-azure: key "nope/x" in container "${dest.container}": not found (404 BlobNotFound)`,
    );
  });
});
