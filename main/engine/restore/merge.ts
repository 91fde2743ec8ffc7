import type { Manifest, ManifestEntry, SnapshotRef } from '../../../shared/model/snapshot.js';
import { DestinationError } from '../destinations/errors.js';
import { ManifestError } from '../repo/manifest.js';
import { snapshotTimePart } from '../repo/layout.js';
import type { Repository } from '../repo/repository.js';

/** No reachable destination holds the snapshot asked for (or any snapshot of the wedding). */
export class SnapshotNotFoundError extends Error {
  override readonly name = 'SnapshotNotFoundError';
}

/** One destination's manifest taken into a merged view. */
export interface MergedPart {
  repo: Repository;
  ref: SnapshotRef;
  manifest: Manifest;
}

/** A wedding as of one snapshot over every destination (see mergeSnapshots). */
export interface MergedSnapshot {
  /** The union of the parts' entries, sorted by path; wedding, time and host are the first part's. */
  manifest: Manifest;
  /** The manifests merged, in precedence order: the first one listing a path gives its entry. */
  parts: MergedPart[];
  /** The repository whose manifest gave each path's entry. */
  sourceOf: Map<string, Repository>;
  /** The name of the device whose manifest gave each path's entry. */
  deviceOf: Map<string, string>;
  /** Repositories whose snapshots could not be listed: files only they hold are missing from `manifest`. */
  unreachable: { destination: string; reason: string }[];
  /** Manifests that could not be read (damaged, altered) and were passed over for an older one or another destination's. */
  damaged: { destination: string; key: string; reason: string }[];
}

/**
 * The files of a wedding as of a snapshot, over every destination. Each destination's manifest lists
 * only the files it holds (placement by policy, a destination down during a backup), so no single
 * manifest need be the whole wedding. The rule:
 * - from each repository take each device's newest manifest of the wedding (`latest`), or its newest
 *   at or before the time of `id` (a named snapshot; the id must exist on some destination, and
 *   nothing newer is used); `device` keeps only that device's manifests;
 * - the result is the union of their entries by path; a path listed by several manifests takes the
 *   entry of the first in precedence order: the snapshots of `prefer` first (`--from`: its entries win
 *   even over newer ones), then the others newest first, a tie (same id) in the order of `repos`.
 * Deleted files: a deletion makes every destination reachable at that moment get a manifest without
 * the file, so a deleted file comes back only from a destination whose chosen manifest predates the
 * deletion: one that was unreachable when it was snapshotted and has had no snapshot since, or one
 * that holds no live file of the wedding any more (it gets no new manifest then). It is restored
 * rather than risk leaving a live file out: a path missing from a manifest means "deleted" or "not
 * held here", and manifests cannot tell which. A renamed file can likewise come back under both names.
 * A repository whose snapshots cannot be listed is skipped and named in `unreachable`. A chosen
 * manifest that cannot be read (damaged, altered) is named in `damaged` and that repository's next
 * older one is taken instead (the other destinations' manifests still add what it lacks); only when
 * no manifest of any destination can be read does the call fail.
 */
export async function mergeSnapshots(
  repos: Repository[],
  wedding: string,
  opts: { id?: string; prefer?: Repository[]; device?: string } = {},
): Promise<MergedSnapshot> {
  const id = opts.id ?? 'latest';
  const prefer = opts.prefer ?? [];
  const all = [...new Set([...prefer, ...repos])];
  const listed = await Promise.all(
    all.map(async (repo) => {
      try {
        return { repo, refs: await repo.listSnapshots(wedding) };
      } catch (err) {
        return { repo, refs: [], error: err as Error };
      }
    }),
  );
  const unreachable = listed.flatMap((l) =>
    l.error ? [{ destination: l.repo.name, reason: l.error.message }] : [],
  );
  // A named snapshot is its full id, or its time alone: the wedding as of then, on every device.
  const exists =
    id === 'latest' || listed.some((l) => l.refs.some((r) => r.id === id || snapshotTimePart(r.id) === id));
  const upTo = id === 'latest' ? null : snapshotTimePart(id);
  // Per repository and device, its candidate manifests newest first: the first readable one is taken.
  // Each device's snapshots are its own view of the wedding: a second shooter's snapshot never hides
  // the lead's files, it adds its own.
  const candidates = exists
    ? listed.flatMap(({ repo, refs }) => {
        const groups = new Map<string, SnapshotRef[]>();
        for (const r of refs) {
          if (upTo !== null && snapshotTimePart(r.id) > upTo) continue;
          if (opts.device !== undefined && r.device !== opts.device) continue;
          const g = r.device ?? '';
          groups.set(g, [...(groups.get(g) ?? []), r]);
        }
        return [...groups.values()].map((g) => ({
          repo,
          refs: g.sort((a, b) => (a.id > b.id ? -1 : a.id < b.id ? 1 : 0)),
        }));
      })
    : [];
  const what =
    id === 'latest' ? `no snapshot of wedding "${wedding}"` : `no snapshot "${id}" of wedding "${wedding}"`;
  if (candidates.length === 0) {
    const why = unreachable.map((u) => u.reason);
    throw new SnapshotNotFoundError(
      `${what} on ${all.map((r) => r.name).join(', ')}${why.length ? ` (${why.join('; ')})` : ''}`,
    );
  }
  const damaged: MergedSnapshot['damaged'] = [];
  const read = await Promise.all(
    candidates.map(async ({ repo, refs }) => {
      for (const ref of refs) {
        try {
          return [{ repo, ref, manifest: (await repo.readManifest(ref.key)).manifest }];
        } catch (err) {
          if (!isDamage(err)) throw err;
          damaged.push({ destination: repo.name, key: ref.key, reason: (err as Error).message });
        }
      }
      return [];
    }),
  );
  const parts: MergedPart[] = dropSuperseded(read.flat());
  if (parts.length === 0)
    throw new SnapshotNotFoundError(
      `${what} can be read: every manifest is damaged (${damaged.map((d) => `${d.destination}: ${d.reason}`).join('; ')}). Run \`npx keepsake verify\` on the computer that made them to write them again.`,
    );
  const rank = (repo: Repository) => {
    const p = prefer.indexOf(repo);
    return p >= 0 ? p : prefer.length;
  };
  parts.sort(
    (a, b) =>
      rank(a.repo) - rank(b.repo) ||
      (a.ref.id > b.ref.id ? -1 : a.ref.id < b.ref.id ? 1 : 0) ||
      all.indexOf(a.repo) - all.indexOf(b.repo),
  );
  const byPath = new Map<string, ManifestEntry>();
  const sourceOf = new Map<string, Repository>();
  const deviceOf = new Map<string, string>();
  for (const part of parts) {
    for (const entry of part.manifest.files) {
      if (byPath.has(entry.path)) continue;
      byPath.set(entry.path, entry);
      sourceOf.set(entry.path, part.repo);
      deviceOf.set(entry.path, part.manifest.device?.name ?? part.manifest.host);
    }
  }
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { manifest: { ...parts[0]!.manifest, files }, parts, sourceOf, deviceOf, unreachable, damaged };
}

/**
 * Manifests from before devices existed carry no device id, only a host name. Such a manifest is left
 * out when the same repository has a newer manifest from a device of that name (the same laptop, after
 * its upgrade): files it deleted since would otherwise come back. Any other is kept: restoring a file
 * too many is better than leaving one out.
 */
function dropSuperseded(parts: MergedPart[]): MergedPart[] {
  return parts.filter(
    (p) =>
      p.ref.device !== null ||
      !parts.some(
        (q) =>
          q.repo === p.repo &&
          q.ref.device !== null &&
          q.manifest.device?.name === p.manifest.host &&
          snapshotTimePart(q.ref.id) > snapshotTimePart(p.ref.id),
      ),
  );
}

/** A manifest that is there but cannot be used (truncated, altered, undecryptable), as opposed to a destination that cannot be reached. */
function isDamage(err: unknown): boolean {
  return err instanceof ManifestError || (err instanceof DestinationError && err.kind === 'integrity');
}
