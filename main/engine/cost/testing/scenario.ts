import { configSchema, type Config } from '../../config/schema.js';
import type { Store } from '../../store/store.js';
import type { CostTarget, StoredReplica } from '../model.js';
import { costTarget } from '../targets.js';

/**
 * A small fixed scenario whose costs the tests work out by hand: 3 weddings, 5 destinations (a local
 * vault, S3 Glacier Flexible Retrieval, Wasabi under its 1 TB minimum, GCS Coldline and S3 Standard-IA
 * holding one object smaller than its 128 KiB minimum billable size).
 */

export const GiB = 2 ** 30;
export const KiB = 1024;
export const DAY = 86_400_000;
/** "Now" for every scenario computation. */
export const NOW = Date.parse('2026-06-14T12:00:00Z');

/** The scenario's destinations as a config (what `keepsake cost` reads). */
export function scenarioConfig(): Config {
  return configSchema.parse({
    version: 1,
    installId: 'cost-test-install',
    destinations: [
      { name: 'vault', kind: 'local', path: '/mnt/vault' },
      { name: 'glacier', kind: 's3', bucket: 'studio-glacier', storageClass: 'GLACIER' },
      { name: 'wasabi', kind: 'wasabi', bucket: 'studio-wasabi', region: 'us-east-1' },
      { name: 'cold', kind: 'gcs', bucket: 'studio-cold', storageClass: 'COLDLINE' },
      { name: 'ia', kind: 's3', bucket: 'studio-ia', storageClass: 'STANDARD_IA' },
    ],
  });
}

export function scenarioTargets(): CostTarget[] {
  return scenarioConfig().destinations.map(costTarget);
}

/** One content object of the scenario: its size, wedding, and where/when it is stored. */
export interface ScenarioObject {
  hash: string;
  bytes: number;
  wedding: 1 | 2 | 3;
  at: Record<string, number>;
}

const h = (c: string) => c.repeat(64);

/**
 * Wedding 1: 3 GiB + 1 GiB stored 60 days ago at vault, glacier, wasabi and cold.
 * Wedding 2: 6 GiB stored 100 days ago at vault, glacier and wasabi.
 * Wedding 3: 10 GiB stored 10 days ago at vault and cold, and 64 KiB at ia, 10 days ago.
 */
export const OBJECTS: readonly ScenarioObject[] = [
  ...[3 * GiB, 1 * GiB].map((bytes, i) => ({
    hash: h(i === 0 ? 'a' : 'b'),
    bytes,
    wedding: 1 as const,
    at: { vault: NOW - 60 * DAY, glacier: NOW - 60 * DAY, wasabi: NOW - 60 * DAY, cold: NOW - 60 * DAY },
  })),
  {
    hash: h('c'),
    bytes: 6 * GiB,
    wedding: 2,
    at: { vault: NOW - 100 * DAY, glacier: NOW - 100 * DAY, wasabi: NOW - 100 * DAY },
  },
  { hash: h('d'), bytes: 10 * GiB, wedding: 3, at: { vault: NOW - 10 * DAY, cold: NOW - 10 * DAY } },
  { hash: h('e'), bytes: 64 * KiB, wedding: 3, at: { ia: NOW - 10 * DAY } },
];

/** The scenario as the pure model's input. */
export function scenarioReplicas(): StoredReplica[] {
  return OBJECTS.flatMap((o) =>
    Object.entries(o.at).map(([destination, storedAtMs]) => ({
      destination,
      bytes: o.bytes,
      storedAtMs,
      weddingId: o.wedding,
    })),
  );
}

/**
 * Writes the scenario into a real store through the store classes: a weddings folder, three weddings,
 * one file per object, the objects and their replicas. Returns the wedding ids by scenario number.
 */
export function fillStore(store: Store): Record<1 | 2 | 3, number> {
  const folder = store.folders.add('/photos/weddings', 'weddings', NOW - 200 * DAY);
  const ids = {
    1: store.weddings.create(
      { slugBase: 'smith', couple: 'Smith & Jones', date: '2026-03-01', source: 'folder' },
      NOW,
    ).id,
    2: store.weddings.create(
      { slugBase: 'lee', couple: 'Lee & Park', date: '2026-02-01', source: 'folder' },
      NOW,
    ).id,
    3: store.weddings.create(
      { slugBase: 'cruz', couple: 'Cruz & Diaz', date: '2026-05-01', source: 'folder' },
      NOW,
    ).id,
  };
  OBJECTS.forEach((o, i) => {
    const stat = { size: o.bytes, mtimeMs: NOW - 300 * DAY, ino: String(100 + i), dev: '1' };
    const { file } = store.files.seen(
      {
        path: `/photos/weddings/w${o.wedding}/IMG_${i}.CR3`,
        folderId: folder.id,
        weddingId: ids[o.wedding],
        relPath: `IMG_${i}.CR3`,
        stat,
      },
      NOW - 300 * DAY,
    );
    store.objects.ensure(o.hash, o.bytes, null, NOW - 300 * DAY);
    store.files.setHash(file.id, o.hash, stat, NOW - 300 * DAY);
    for (const [dest, at] of Object.entries(o.at)) store.objects.markStored(o.hash, dest, at);
  });
  return ids;
}
