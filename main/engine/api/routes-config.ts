import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { ApiRoutes, SettingsReport } from '../../../shared/api/contract.js';
import type { DestinationSummary } from '../../../shared/model/destination.js';
import { ConfigError } from '../config/config-file.js';
import type { Secret } from '../config/credentials.js';
import { FileKeyCache } from '../config/key-cache.js';
import type { DestinationConfig } from '../config/schema.js';
import { costTarget } from '../cost/targets.js';
import { retrievalEstimate } from '../cost/model.js';
import { applyOverrides } from '../cost/overrides.js';
import { LIST_PRICES } from '../cost/prices.js';
import { storedReplicas } from '../cost/report.js';
import { CryptoError } from '../crypto/errors.js';
import { DestinationError } from '../destinations/errors.js';
import { describeLocation } from '../destinations/factory.js';
import {
  addDestinationChange,
  addFolderChange,
  removeDestinationChange,
  credentialVaultOf,
  removeFolderChange,
  settingsChange,
  updateDestinationChange,
} from '../host/config-changes.js';
import type { EngineHost } from '../host/engine-host.js';
import { encryptsByDefault, testDestination } from '../setup/destinations.js';
import { handleApi, HttpError, newDestination, proposedDestination } from './routes.js';

type Response<K extends keyof ApiRoutes> = ApiRoutes[K]['response'];
type Handler = (host: EngineHost, body: unknown) => Promise<unknown>;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HttpError(400, `${i?.path.join('.') || 'body'}: ${i?.message}`);
  }
  return r.data;
}

const folderBody = z
  .object({
    path: z.string().refine(isAbsolute, 'a full folder path, e.g. /Users/you/Pictures/Weddings'),
    kind: z.enum(['weddings', 'import']),
  })
  .strict();
const addBody = newDestination
  .extend({ encrypt: z.boolean().optional(), passphrase: z.string().optional() })
  .strict();
const updateBody = z
  .object({
    name: z.string().min(1),
    enabled: z.boolean().optional(),
    regionTags: z.array(z.string()).optional(),
  })
  .strict();
const rule = z
  .object({
    copies: z.number(),
    distinctProviders: z.number(),
    offLaptopCopies: z.number(),
    coldCopies: z.number(),
    warmCopies: z.number(),
  })
  .partial()
  .strict();
/** The shape of a settings change; the config schema checks the values once they are laid over the config. */
const settingsBody = z
  .object({
    protection: z.object({ copies: z.union([z.literal('all'), z.literal('policy'), z.number()]) }).strict(),
    transfer: z.object({ concurrency: z.number(), bandwidthLimit: z.number().nullable() }).partial().strict(),
    policies: z.object({ critical: rule, standard: rule, archive: rule }).partial().strict(),
    bandwidthSchedule: z.array(
      z
        .object({
          days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])),
          from: z.string(),
          to: z.string(),
          limit: z.number().nullable(),
        })
        .strict(),
    ),
  })
  .partial()
  .strict();
const retrievalBody = z
  .object({
    destination: z.string().min(1),
    bytes: z.number().int().min(0),
    objects: z.number().int().min(0),
    speed: z.enum(['fast', 'standard', 'bulk']),
  })
  .strict();

function summary(d: DestinationConfig): DestinationSummary {
  return { name: d.name, kind: d.kind, location: describeLocation(d), enabled: d.enabled };
}

/**
 * Runs a config change through the host: mistakes of the request (a folder that does not exist, a
 * name in use, an unreachable destination, a wrong passphrase, a value out of range) are 400s whose
 * message says what to fix; the previous config and engine are then still the ones in use.
 */
async function change<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DestinationError || err instanceof CryptoError)
      throw new HttpError(400, err.message);
    throw err;
  }
}

/** The same test as "Test connection", before a destination is saved: 400 naming the step that failed. */
async function connectionTest(dest: DestinationConfig, secret: Secret | undefined): Promise<void> {
  const steps = await testDestination(dest, secret);
  const failed = steps.find((s) => !s.ok);
  if (failed || steps.length < 4)
    throw new HttpError(
      400,
      `The connection test failed at "${failed?.step ?? 'verify'}": ${failed?.message ?? 'it did not finish'}. Nothing was added.`,
    );
}

const folders = (host: EngineHost) =>
  host.use((e) => e.config.folders.map((f) => ({ path: f.path, kind: f.kind })));

/**
 * The routes that change the config, served through the EngineHost (which replaces the engine), and
 * the ones that need no engine of their own: watched folders, destinations, settings, pausing (which
 * carries over to the next engine) and the retrieval cost estimate.
 */
const ROUTES: Record<string, Handler> = {
  'POST /api/folders': async (host, body) => {
    const f = parse(folderBody, body);
    await change(() => host.reconfigure(addFolderChange(f.path, f.kind)));
    return (await folders(host)) satisfies Response<'POST /api/folders'>;
  },
  'POST /api/folders/remove': async (host, body) => {
    const { path } = parse(z.object({ path: z.string().min(1) }).strict(), body);
    await change(() => host.reconfigure(removeFolderChange(path)));
    return (await folders(host)) satisfies Response<'POST /api/folders/remove'>;
  },
  'POST /api/destinations': async (host, body) => {
    const { encrypt, passphrase, ...fields } = parse(addBody, body);
    const proposed = proposedDestination(fields);
    // Under the desktop shell the keys go to its keychain vault, never to a plain file.
    const vault = credentialVaultOf(host.options.credentials);
    const { added, recoveryKey } = await change(() =>
      host.reconfigure(
        addDestinationChange(
          {
            config: proposed.config,
            ...(proposed.secret ? { secret: proposed.secret } : {}),
            encrypt: encrypt ?? encryptsByDefault(proposed.config.kind),
            ...(passphrase ? { passphrase } : {}),
            test: connectionTest,
          },
          {
            home: host.home,
            clock: host.clock,
            keys: host.options.keys ?? new FileKeyCache(host.home),
            ...(host.options.scryptWorkFactor ? { scryptWorkFactor: host.options.scryptWorkFactor } : {}),
            ...(vault ? { vault } : {}),
          },
        ),
      ),
    );
    return {
      ...summary(added),
      encrypted: added.encryption !== undefined,
      ...(recoveryKey ? { recoveryKey } : {}),
    } satisfies Response<'POST /api/destinations'>;
  },
  'POST /api/destinations/update': async (host, body) => {
    const u = parse(updateBody, body);
    const changed = await change(() => host.reconfigure(updateDestinationChange(u)));
    return summary(changed) satisfies Response<'POST /api/destinations/update'>;
  },
  'POST /api/destinations/remove': async (host, body) => {
    const { name } = parse(z.object({ name: z.string().min(1) }).strict(), body);
    await change(() =>
      host.reconfigure(removeDestinationChange(host.home, name, credentialVaultOf(host.options.credentials))),
    );
    return { removed: name } satisfies Response<'POST /api/destinations/remove'>;
  },
  'POST /api/settings': async (host, body) => {
    const update = parse(settingsBody, body);
    await change(() => host.reconfigure(settingsChange(update)));
    return (await host.use((e) =>
      handleApi(e, 'GET', '/api/settings', undefined),
    )) as SettingsReport satisfies Response<'POST /api/settings'>;
  },
  'POST /api/pause': async (host, body) => {
    const { paused } = parse(z.object({ paused: z.boolean() }).strict(), body);
    host.setPaused(paused);
    return { paused } satisfies Response<'POST /api/pause'>;
  },
  'POST /api/cost/retrieval': (host, body) => {
    const q = parse(retrievalBody, body);
    return host.use((e) => {
      const d = e.config.destinations.find((x) => x.name === q.destination);
      if (!d) throw new HttpError(404, `no destination named "${q.destination}"`);
      const { provider, storageClass } = costTarget(d);
      let stored = 0;
      for (const r of storedReplicas(e.store)) if (r.destination === d.name) stored += r.bytes;
      const { book } = applyOverrides(LIST_PRICES, e.config.priceOverrides);
      return retrievalEstimate(q.bytes, q.objects, provider, storageClass, q.speed, book, {
        storedBytes: stored || q.bytes,
      }) satisfies Response<'POST /api/cost/retrieval'>;
    });
  },
};

/**
 * The handler of a route served through the host rather than by one engine (see ROUTES), or
 * undefined for the routes of routes.ts.
 */
export function hostRoute(method: string, path: string): Handler | undefined {
  return ROUTES[`${method} ${path}`];
}
