import { z } from 'zod';
import type { ApiRoutes, VerifySummary, WeddingDetail } from '../../../shared/api/contract.js';
import type { DestinationSummary } from '../../../shared/model/destination.js';
import { slugify } from '../catalog/wedding-name.js';
import { describeLocation } from '../destinations/factory.js';
import type { Engine } from '../engine.js';

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
});
const newWedding = z.object({
  couple: z.string().min(1),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  folders: z.array(z.string()),
});

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

/** Routes of the local API; every body is validated, every response is a type of the shared contract. */
export async function handleApi(
  engine: Engine,
  method: string,
  path: string,
  body: unknown,
): Promise<unknown> {
  const route = `${method} ${path.replace(/\/\d+(?=\/|$)/, '/:id')}`;
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
    case 'GET /api/weddings/:id/snapshots': {
      const wedding = engine.store.weddings.byId(weddingId(path));
      if (!wedding) throw new HttpError(404, 'no such wedding');
      const lists = await Promise.all(engine.repos.map((r) => r.listSnapshots(wedding.slug).catch(() => [])));
      return lists
        .flat()
        .sort((a, b) => (a.id < b.id ? 1 : -1)) satisfies Response<'GET /api/weddings/:id/snapshots'>;
    }
    case 'POST /api/weddings': {
      const w = parse(newWedding, body);
      const id = engine.addWedding({ ...w, slug: slugify(w.date, w.couple) });
      return engine.store.weddings.byId(id)! satisfies Response<'POST /api/weddings'>;
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
    case 'POST /api/pause': {
      const { paused } = parse(z.object({ paused: z.boolean() }), body);
      engine.setPaused(paused);
      return { paused } satisfies Response<'POST /api/pause'>;
    }
    case 'POST /api/restore': {
      const r = parse(restoreBody, body);
      const { snapshot, include, overwrite, from, ...rest } = r;
      return (await engine.restore({
        ...rest,
        ...(snapshot ? { snapshot } : {}),
        ...(include ? { include } : {}),
        ...(overwrite ? { overwrite } : {}),
        ...(from ? { from } : {}),
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
    default:
      throw new HttpError(404, `no route ${method} ${path}`);
  }
}
