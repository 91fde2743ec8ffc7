import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Manifest, ManifestEntry } from '../../../shared/model/snapshot.js';
import { isoAt, type Clock } from '../clock.js';
import { snapshotId } from '../repo/layout.js';
import type { Repository } from '../repo/repository.js';
import type { IndexedFile } from '../store/files.js';
import type { Store } from '../store/store.js';
import { UNASSIGNED } from './unassigned.js';

/**
 * Writes a snapshot manifest of one wedding to each repository: every live file of the wedding whose
 * content that repository holds. Only written after the objects it names are stored, and only when
 * something changed since the last snapshot there (same fingerprint: nothing written).
 */
export async function writeSnapshots(
  ctx: { store: Store; clock: Clock; repos: Repository[]; deviceName?: string | undefined },
  weddingId: number | null,
): Promise<{ written: string[]; errors: Error[] }> {
  const { store, clock } = ctx;
  const wedding = weddingId === null ? UNASSIGNED : store.weddings.byId(weddingId);
  if (!wedding) return { written: [], errors: [] };
  const files = manifestPaths(
    store.files.ofWedding(weddingId).filter((f) => f.hash && f.state !== 'skipped'),
  );
  const written: string[] = [];
  const errors: Error[] = [];
  // One time for all destinations, so a snapshot has the same id everywhere.
  const now = clock.now();
  // Every destination at once: one that is slow or down does not hold up the manifests of the others.
  await Promise.all(
    ctx.repos.map(async (repo) => {
      const entries: ManifestEntry[] = [];
      const named: { fileId: number; hash: string }[] = [];
      const stored = files.filter(({ file: f }) => store.objects.storedAt(f.hash!).includes(repo.name));
      if (stored.length > 0 && repo.encrypted) {
        // Object names in an encrypted repository come from its key.
        try {
          await repo.ready();
        } catch (err) {
          errors.push(err as Error);
          return;
        }
      }
      for (const { file: f, path } of stored) {
        named.push({ fileId: f.id, hash: f.hash! });
        entries.push({
          path,
          sha256: f.hash!,
          size: f.size,
          object: repo.objectKey(f.hash!),
          mtime: isoAt(f.mtimeMs),
          captureTime: f.captureTime,
        });
      }
      if (entries.length === 0) return;
      const fingerprint = fingerprintOf(entries);
      if (store.snapshots.latest(weddingId, repo.name)?.fingerprint === fingerprint) return;
      const manifest: Manifest = {
        format: 'keepsake-snapshot',
        version: 1,
        wedding: { slug: wedding.slug, couple: wedding.couple, date: wedding.date },
        createdAt: isoAt(now),
        host: ctx.deviceName ?? hostname(),
        // The installation is the device: its manifests are its own, never replaced by another's.
        device: { id: repo.installId, name: ctx.deviceName ?? hostname() },
        files: entries,
      };
      try {
        const id = snapshotId(now, repo.installId);
        const { key, sha256 } = await repo.writeManifest(manifest, id);
        store.snapshots.recordWithFiles(
          {
            weddingId,
            destination: repo.name,
            snapshotId: id,
            manifestKey: key,
            manifestSha256: sha256,
            fingerprint,
            files: entries.length,
            bytes: entries.reduce((n, e) => n + e.size, 0),
            createdAt: now,
          },
          named,
        );
        written.push(`${repo.name}:${key}`);
      } catch (err) {
        errors.push(err as Error);
        return;
      }
    }),
  );
  return { written, errors };
}

/**
 * The path of each file in the manifest: its path in the wedding, or, when two files of the wedding
 * have the same one (two cards' folders given to one wedding both hold IMG_0001.JPG), `IMG_0001 (2).JPG`
 * for the second, so no live file is left out of the snapshot. Same files, same names (sorted by path).
 */
function manifestPaths(files: IndexedFile[]): { file: IndexedFile; path: string }[] {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const sorted = [...files].sort((a, b) => cmp(a.relPath, b.relPath) || cmp(a.path, b.path));
  const taken = new Set(sorted.map((f) => f.relPath));
  const used = new Set<string>();
  return sorted.map((file) => {
    let path = file.relPath;
    if (used.has(path)) {
      const slash = path.lastIndexOf('/');
      const dot = path.lastIndexOf('.');
      const cut = dot > slash + 1 ? dot : path.length;
      for (let n = 2; taken.has(path); n++)
        path = `${file.relPath.slice(0, cut)} (${n})${file.relPath.slice(cut)}`;
      taken.add(path);
    }
    used.add(path);
    return { file, path };
  });
}

function fingerprintOf(entries: ManifestEntry[]): string {
  const h = createHash('sha256');
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    h.update(`${e.path}\0${e.sha256}\0${e.size}\0${e.mtime}\n`);
  }
  return h.digest('hex');
}
