import { firstStudioView, StudioUnavailableError } from '../studio/studio-view.js';
import * as exifrModule from 'exifr';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { z } from 'zod';
import type {
  ApiRoutes,
  DestinationHealthReport,
  FileVersion,
  SettingsReport,
  SnapshotListing,
  VerifySummary,
  WeddingDetail,
} from '../../../shared/api/contract.js';
import type { DestinationSummary } from '../../../shared/model/destination.js';
import type { Manifest, ManifestEntry, SnapshotRef } from '../../../shared/model/snapshot.js';
import { slugify } from '../catalog/wedding-name.js';
import { destinationSchema, type DestinationConfig } from '../config/schema.js';
import { costReport } from '../cost/report.js';
import { describeLocation } from '../destinations/factory.js';
import type { Engine } from '../engine.js';
import { applyChange, changeWeddingSettings, policyReport } from '../protection/wedding-settings.js';
import type { Repository } from '../repo/repository.js';
import { mergeSnapshots, SnapshotNotFoundError } from '../restore/merge.js';
import { testDestination } from '../setup/destinations.js';

/** An API failure with its HTTP status; the message is shown to the user. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const restoreBody = z.object({
  wedding: z.string().min(1),
  snapshot: z.string().optional(),
  include: z.array(z.string()).optional(),
  target: z.string().min(1),
  overwrite: z.boolean().optional(),
  from: z.string().optional(),
  rehydrate: z
    .object({ speed: z.enum(['fast', 'standard', 'bulk']), days: z.number().int().min(1).max(30).optional() })
    .optional(),
});
/** A destination being added, as the UI sends it: checked against the config's own schema below. */
export const newDestination = z.object({
  name: z.string().min(1),
  kind: z.enum(['local', 's3', 'b2', 'wasabi', 'gcs', 'azure']),
  path: z.string().optional(),
  bucket: z.string().optional(),
  container: z.string().optional(),
  prefix: z.string().optional(),
  region: z.string().optional(),
  endpoint: z.string().optional(),
  storageClass: z.string().optional(),
  regionTags: z.array(z.string()).optional(),
  accessKeyId: z.string().optional(),
  secretAccessKey: z.string().optional(),
  /** A local folder kept away from the laptop (true) or travelling with it; absent: decided by its disk. */
  onLaptop: z.boolean().optional(),
});
const destinationTest = z.union([
  z.object({ name: z.string().min(1) }).strict(),
  z.object({ destination: newDestination }).strict(),
]);
const newWedding = z.object({
  couple: z.string().min(1),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  folders: z.array(z.string()),
});

const weddingUpdate = newWedding.partial();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HttpError(400, `${i?.path.join('.') || 'body'}: ${i?.message}`);
  }
  return r.data;
}

function weddingId(path: string): number {
  const id = Number(/^\/api\/weddings\/(\d+)/.exec(path)?.[1]);
  if (!Number.isInteger(id)) throw new HttpError(404, 'no such wedding');
  return id;
}

type Response<K extends keyof ApiRoutes> = ApiRoutes[K]['response'];

/** Routes with a parameter that is not a number, matched before the `:id` normalisation below. */
const PARAM_ROUTES: [RegExp, string][] = [
  [/^\/api\/weddings\/(\d+)\/snapshots\/([^/]+)$/, '/api/weddings/:id/snapshots/:snapshot'],
  [/^\/api\/weddings\/(\d+)\/versions\/([^/]+)$/, '/api/weddings/:id/versions/:path'],
  [/^\/api\/files\/(\d+)\/preview$/, '/api/files/:id/preview'],
];

function routeOf(method: string, path: string): { route: string; params: string[] } {
  for (const [re, name] of PARAM_ROUTES) {
    const m = re.exec(path);
    if (m) return { route: `${method} ${name}`, params: m.slice(1) };
  }
  return { route: `${method} ${path.replace(/\/\d+(?=\/|$)/, '/:id')}`, params: [] };
}

function segment(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? '');
  } catch {
    throw new HttpError(400, 'badly encoded path');
  }
}

function weddingOf(engine: Engine, path: string) {
  const wedding = engine.store.weddings.byId(weddingId(path));
  if (!wedding) throw new HttpError(404, 'no such wedding');
  return wedding;
}

/**
 * A snapshot's files over every destination (mergeSnapshots: each lists only what it holds), as the
 * restore of that snapshot would restore them; 404 when no destination has it.
 */
async function readSnapshot(
  repos: Repository[],
  slug: string,
  id: string,
): Promise<{ repo: Repository; manifest: Manifest; ref: SnapshotRef }> {
  let view;
  try {
    view = await mergeSnapshots(repos, slug, { id });
  } catch (err) {
    if (err instanceof SnapshotNotFoundError) throw new HttpError(404, err.message);
    throw err;
  }
  return { repo: view.parts[0]!.repo, manifest: view.manifest, ref: view.parts[0]!.ref };
}

/** Every snapshot of a wedding over all destinations, one entry per id, newest first. */
async function snapshotListing(repos: Repository[], slug: string): Promise<SnapshotListing[]> {
  const byId = new Map<string, SnapshotListing>();
  const names = new Map<string, string>();
  await Promise.all(
    repos.map(async (r) => {
      const indexes = await r.readDeviceIndexes().catch(() => ({ devices: [] }));
      for (const d of indexes.devices) names.set(d.id, d.name);
    }),
  );
  await Promise.all(
    repos.map(async (r) => {
      for (const ref of await r.listSnapshots(slug).catch(() => [])) {
        const deviceName = ref.device === null ? null : (names.get(ref.device) ?? null);
        const entry = byId.get(ref.id) ?? { ...ref, destinations: [], deviceName };
        entry.destinations.push(r.name);
        byId.set(ref.id, entry);
      }
    }),
  );
  for (const e of byId.values()) e.destinations.sort();
  return [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : -1));
}

/**
 * The distinct contents one path had over the wedding's snapshots, newest first. Each destination's
 * manifest of a snapshot lists only the files it holds: they are read in turn until one lists the path.
 */
async function fileVersions(repos: Repository[], slug: string, path: string): Promise<FileVersion[]> {
  const versions = new Map<string, FileVersion>();
  const byId = new Map<string, { repo: Repository; key: string }[]>();
  await Promise.all(
    repos.map(async (repo) => {
      for (const ref of await repo.listSnapshots(slug).catch(() => []))
        byId.set(ref.id, [...(byId.get(ref.id) ?? []), { repo, key: ref.key }]);
    }),
  );
  for (const id of [...byId.keys()].sort().reverse()) {
    let e: ManifestEntry | undefined;
    const parts = byId.get(id)!.sort((a, b) => repos.indexOf(a.repo) - repos.indexOf(b.repo));
    for (const { repo, key } of parts) {
      const manifest = await repo.readManifest(key).then(
        (m) => m.manifest,
        () => undefined,
      );
      e = manifest?.files.find((f) => f.path === path);
      if (e) break;
    }
    if (!e) continue;
    const v = versions.get(e.sha256) ?? {
      path,
      sha256: e.sha256,
      size: e.size,
      mtime: e.mtime,
      captureTime: e.captureTime,
      snapshots: [],
    };
    v.snapshots.push(id);
    versions.set(e.sha256, v);
  }
  if (versions.size === 0) throw new HttpError(404, `no snapshot of this wedding holds ${path}`);
  return [...versions.values()];
}

/** exifr's CommonJS build (plain Node) has its functions only on the default export. */
const thumbnailOf: (path: string) => Promise<Uint8Array | undefined> =
  exifrModule.thumbnail ?? exifrModule.default.thumbnail;
/** Largest embedded preview served (camera previews are 10-200 KB). */
const MAX_PREVIEW = 4 * 1024 * 1024;

/** The JPEG preview a camera embedded in a photo's EXIF (IFD1), read from the file itself, never cached. */
async function preview(path: string): Promise<Buffer | null> {
  try {
    const jpeg = await thumbnailOf(path);
    if (!jpeg || jpeg.length < 4 || jpeg.length > MAX_PREVIEW) return null;
    const buf = Buffer.from(jpeg);
    // Some cameras and editors leave a placeholder there instead of a JPEG.
    return buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff ? buf : null;
  } catch {
    return null;
  }
}

/**
 * The connection test. A new local folder that does not exist yet (adding it creates it, when its
 * parent exists) is created for the test and removed with everything the probe left in it.
 */
async function probe(
  dest: DestinationConfig,
  secret: Parameters<typeof testDestination>[1],
  proposed: boolean,
): ReturnType<typeof testDestination> {
  const create =
    proposed &&
    dest.kind === 'local' &&
    !(await stat(dest.path).catch(() => null)) &&
    (await stat(dirname(dest.path)).catch(() => null))?.isDirectory();
  if (!create || dest.kind !== 'local') return testDestination(dest, secret);
  await mkdir(dest.path);
  try {
    return await testDestination(dest, secret);
  } finally {
    await rm(dest.path, { recursive: true, force: true });
  }
}

/** A destination config from what the UI sent, checked by the config schema, with its secret if given. */
export function proposedDestination(d: z.infer<typeof newDestination>): {
  config: DestinationConfig;
  secret?: { kind: 's3'; accessKeyId: string; secretAccessKey: string };
} {
  const { regionTags: _tags, accessKeyId, secretAccessKey, storageClass, endpoint, onLaptop, ...fields } = d;
  // The UI has one "storage class" and one "endpoint" field; Azure and GCS name them their own way.
  const named = {
    ...fields,
    ...(d.kind === 'azure' ? { accessTier: storageClass } : { storageClass }),
    ...(d.kind === 'gcs' ? { apiEndpoint: endpoint } : { endpoint }),
    ...(d.kind === 'local' ? { onLaptop } : {}),
  };
  const defined = Object.fromEntries(Object.entries(named).filter(([, v]) => v !== undefined && v !== ''));
  if (d.kind === 'local' && d.path && !isAbsolute(d.path))
    throw new HttpError(400, 'path: a full folder path, e.g. /Volumes/Drive/Keepsake');
  const withKeys = ['s3', 'b2', 'wasabi'].includes(d.kind) && accessKeyId && secretAccessKey;
  const parsed = destinationSchema.safeParse({
    ...defined,
    ...(withKeys ? { credentials: 'stored' } : {}),
    enabled: true,
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new HttpError(400, `${i?.path.join('.') || 'destination'}: ${i?.message}`);
  }
  return {
    config: parsed.data,
    ...(withKeys ? { secret: { kind: 's3' as const, accessKeyId, secretAccessKey } } : {}),
  };
}

/** Routes of the local API; every body is validated, every response is a type of the shared contract. */
export async function handleApi(
  engine: Engine,
  method: string,
  path: string,
  body: unknown,
): Promise<unknown> {
  const { route, params } = routeOf(method, path);
  switch (route) {
    case 'GET /api/status':
      return (await engine.status()) satisfies Response<'GET /api/status'>;
    case 'GET /api/weddings/:id': {
      const wedding = engine.store.weddings.byId(weddingId(path));
      if (!wedding) throw new HttpError(404, 'no such wedding');
      const files = engine.store.files.ofWedding(wedding.id).map((f) => ({
        id: f.id,
        path: f.path,
        relPath: f.relPath,
        weddingId: f.weddingId,
        size: f.size,
        mtimeMs: f.mtimeMs,
        hash: f.hash,
        captureTime: f.captureTime,
        state: f.state,
        error: f.error,
        copies: f.hash ? engine.store.objects.storedAt(f.hash) : [],
      }));
      return { wedding, files } satisfies WeddingDetail;
    }
    case 'GET /api/weddings/:id/analysis': {
      const wedding = weddingOf(engine, path);
      const [analysis] = await engine.analysis(wedding.slug);
      engine.weddingOpened(wedding.id);
      return analysis! satisfies Response<'GET /api/weddings/:id/analysis'>;
    }
    case 'GET /api/weddings/:id/snapshots': {
      const wedding = weddingOf(engine, path);
      return (await snapshotListing(
        engine.repos,
        wedding.slug,
      )) satisfies Response<'GET /api/weddings/:id/snapshots'>;
    }
    case 'GET /api/weddings/:id/snapshots/:snapshot': {
      const wedding = weddingOf(engine, path);
      const { repo, manifest, ref } = await readSnapshot(engine.repos, wedding.slug, segment(params[1]));
      return {
        snapshot: ref,
        from: repo.name,
        manifest,
      } satisfies Response<'GET /api/weddings/:id/snapshots/:snapshot'>;
    }
    case 'GET /api/weddings/:id/versions/:path': {
      const wedding = weddingOf(engine, path);
      return (await fileVersions(
        engine.repos,
        wedding.slug,
        segment(params[1]),
      )) satisfies Response<'GET /api/weddings/:id/versions/:path'>;
    }
    case 'GET /api/files/:id/preview': {
      const file = engine.store.files.byId(Number(params[0]));
      if (!file) throw new HttpError(404, 'no such file');
      const jpeg = file.state === 'deleted' ? null : await preview(file.path);
      return {
        fileId: file.id,
        type: jpeg ? 'image/jpeg' : null,
        data: jpeg ? jpeg.toString('base64') : null,
      } satisfies Response<'GET /api/files/:id/preview'>;
    }
    case 'GET /api/folders':
      return engine.config.folders.map((f) => ({
        path: f.path,
        kind: f.kind,
      })) satisfies Response<'GET /api/folders'>;
    case 'GET /api/queue':
      return engine.queueReport() satisfies Response<'GET /api/queue'>;
    case 'GET /api/settings': {
      const c = engine.config;
      return {
        home: engine.home,
        protection: { copies: c.protection.copies },
        transfer: { concurrency: c.transfer.concurrency, bandwidthLimit: c.transfer.bandwidthLimit },
        watch: { stableMs: c.watch.stableMs },
        policies: c.policies,
        bandwidthSchedule: null,
        notifications: null,
      } satisfies SettingsReport;
    }
    case 'POST /api/destinations/test': {
      const b = parse(destinationTest, body);
      let dest: DestinationConfig;
      let secret;
      if ('name' in b) {
        const found = engine.config.destinations.find((d) => d.name === b.name);
        if (!found) throw new HttpError(404, `no destination named "${b.name}"`);
        dest = found;
        secret =
          found.kind !== 'local' && found.credentials === 'stored'
            ? engine.credentials.get(found.name)
            : undefined;
      } else {
        const p = proposedDestination(b.destination);
        dest = p.config;
        secret = p.secret;
      }
      const steps = await probe(dest, secret, !('name' in b));
      return {
        ok: steps.length >= 4 && steps.every((s) => s.ok),
        steps,
      } satisfies Response<'POST /api/destinations/test'>;
    }
    case 'POST /api/weddings': {
      const w = parse(newWedding, body);
      const { id, added } = engine.addWedding({ ...w, slug: slugify(w.date, w.couple) });
      return {
        ...engine.store.weddings.byId(id)!,
        fromImports: added,
      } satisfies Response<'POST /api/weddings'>;
    }
    case 'POST /api/weddings/:id': {
      const { id } = weddingOf(engine, path);
      const { added } = engine.changeWedding(id, parse(weddingUpdate, body));
      return {
        ...engine.store.weddings.byId(id)!,
        fromImports: added,
      } satisfies Response<'POST /api/weddings/:id'>;
    }
    case 'GET /api/destinations':
      return engine.config.destinations.map((d): DestinationSummary => ({
        name: d.name,
        kind: d.kind,
        location: describeLocation(d),
        enabled: d.enabled,
      })) satisfies Response<'GET /api/destinations'>;
    case 'POST /api/backup-now':
      return (await engine.backupNow()) satisfies Response<'POST /api/backup-now'>;
    case 'POST /api/restore': {
      const r = parse(restoreBody, body);
      const { snapshot, include, overwrite, from, rehydrate, ...rest } = r;
      return (await engine.restore({
        ...rest,
        ...(snapshot ? { snapshot } : {}),
        ...(include ? { include } : {}),
        ...(overwrite ? { overwrite } : {}),
        ...(from ? { from } : {}),
        // The HTTP call does not wait hours: rehydration is requested and the UI asks to restore again later.
        ...(rehydrate
          ? {
              rehydrate: {
                speed: rehydrate.speed,
                days: rehydrate.days ?? 7,
                waitMs: 0,
                clock: engine.clock,
              },
            }
          : {}),
      })) satisfies Response<'POST /api/restore'>;
    }
    case 'POST /api/verify': {
      const { percent } = parse(z.object({ percent: z.number().gt(0).max(100) }), body);
      const v = await engine.verify({ percent });
      return {
        checked: v.checked,
        ok: v.ok,
        missing: v.missing.length,
        corrupt: v.corrupt.length,
        requeued: v.requeued,
      } satisfies VerifySummary;
    }
    case 'GET /api/health':
      return engine.monitor
        .all()
        .map((h) => healthReport(engine, h.destination)!) satisfies Response<'GET /api/health'>;
    case 'GET /api/cost':
      return costReport(engine.store, engine.config, engine.clock.now()) satisfies Response<'GET /api/cost'>;
    case 'GET /api/audit':
      return engine.audit.query({ limit: 500 }) satisfies Response<'GET /api/audit'>;
    case 'GET /api/optimize':
      return (await engine.optimizationPlan()) satisfies Response<'GET /api/optimize'>;
    case 'POST /api/optimize/apply':
      parse(z.object({}).strict(), body ?? {});
      return (await engine.applyOptimization()) satisfies Response<'POST /api/optimize/apply'>;
    case 'GET /api/studio':
      try {
        return (await firstStudioView(engine.repos)) satisfies Response<'GET /api/studio'>;
      } catch (err) {
        if (err instanceof StudioUnavailableError) throw new HttpError(503, err.message);
        throw err;
      }
    case 'GET /api/weddings/:id/policy': {
      const { id } = weddingOf(engine, path);
      return {
        ...policyReport(engine, id),
        weddingId: id,
      } satisfies Response<'GET /api/weddings/:id/policy'>;
    }
    case 'POST /api/weddings/:id/policy': {
      // The same checks as `keepsake policy set`; the wedding's files are then placed under its new policy.
      const { id } = weddingOf(engine, path);
      const next = applyChange(engine.store.weddings.settings(id), body);
      if (!next.ok) throw new HttpError(400, next.message);
      return {
        ...changeWeddingSettings(engine, id, next.settings),
        weddingId: id,
      } satisfies Response<'POST /api/weddings/:id/policy'>;
    }
    default:
      throw new HttpError(404, `no route ${method} ${path}`);
  }
}

/** One destination's health with its history, as GET /api/health and the `health` event give it. */
export function healthReport(engine: Engine, destination: string): DestinationHealthReport | undefined {
  const h = engine.monitor.health(destination);
  if (!h) return undefined;
  return {
    destination: h.destination,
    state: h.state,
    cause: h.cause,
    reason: h.reason,
    ...(h.detail ? { detail: h.detail } : {}),
    since: h.since,
    ...(h.lastSuccessAt ? { lastSuccessAt: h.lastSuccessAt } : {}),
    ...(h.lastFailureAt ? { lastFailureAt: h.lastFailureAt } : {}),
    history: engine.monitor
      .history(h.destination)
      .map((c) => ({ at: c.at, from: c.from, to: c.to, cause: c.cause, reason: c.reason })),
  };
}
