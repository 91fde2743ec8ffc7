import type { DeviceIndex } from '../../../shared/model/device-index.js';
import type { StudioView, StudioWedding } from '../../../shared/model/studio.js';
import { parseSnapshotId } from '../repo/layout.js';
import type { Repository } from '../repo/repository.js';

/**
 * The studio view of one repository from its device indexes alone (one list and one small read per
 * device, whatever the number of weddings and files): no local database or watched folder needed.
 */
export async function studioView(repo: Repository): Promise<StudioView> {
  const { devices, damaged } = await repo.readDeviceIndexes();
  return { destination: repo.name, ...summarize(devices), damaged };
}

/** No destination could give the studio view; the message says which and why. */
export class StudioUnavailableError extends Error {
  override readonly name = 'StudioUnavailableError';
}

/** The view from the destination named `name`, or from the first of `repos` that can be read. */
export async function firstStudioView(repos: Repository[], name?: string): Promise<StudioView> {
  const candidates = name ? repos.filter((r) => r.name === name) : repos;
  if (candidates.length === 0)
    throw new StudioUnavailableError(
      name
        ? `There is no destination named "${name}" (see \`keepsake destinations list\`).`
        : 'No destination is configured: add one with `keepsake destinations add`, or read a drive with --vault DIR.',
    );
  const reasons: string[] = [];
  for (const repo of candidates) {
    try {
      return await studioView(repo);
    } catch (err) {
      reasons.push(`${repo.name}: ${(err as Error).message}`);
    }
  }
  throw new StudioUnavailableError(`No destination could be read (${reasons.join('; ')}).`);
}

/** Devices and weddings from the device indexes; weddings newest first, then by slug. */
export function summarize(indexes: DeviceIndex[]): Pick<StudioView, 'devices' | 'weddings'> {
  const weddings = new Map<string, StudioWedding & { where: Set<string> }>();
  const devices = indexes.map((d) => {
    let lastSnapshot: string | null = null;
    for (const w of d.weddings) {
      const at = parseSnapshotId(w.snapshot)?.createdAt ?? null;
      if (at && (!lastSnapshot || at > lastSnapshot)) lastSnapshot = at;
      const row = weddings.get(w.slug) ?? {
        slug: w.slug,
        couple: w.couple,
        date: w.date,
        devices: [],
        files: 0,
        bytes: 0,
        destinations: 0,
        where: new Set<string>(),
      };
      row.devices.push({ name: d.name, files: w.files, bytes: w.bytes, snapshot: w.snapshot });
      row.files += w.files;
      row.bytes += w.bytes;
      for (const dest of w.destinations) row.where.add(dest);
      weddings.set(w.slug, row);
    }
    return {
      id: d.id,
      name: d.name,
      lastSnapshot,
      weddings: d.weddings.length,
      files: d.weddings.reduce((n, w) => n + w.files, 0),
      bytes: d.weddings.reduce((n, w) => n + w.bytes, 0),
    };
  });
  const rows = [...weddings.values()].map(({ where, ...w }) => ({
    ...w,
    destinations: Math.max(1, where.size),
  }));
  rows.sort((a, b) =>
    (b.date ?? '') < (a.date ?? '') ? -1 : (b.date ?? '') > (a.date ?? '') ? 1 : a.slug < b.slug ? -1 : 1,
  );
  return { devices, weddings: rows };
}
