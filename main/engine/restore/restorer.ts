import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import picomatch from 'picomatch';
import type { Manifest, ManifestEntry, SnapshotRef } from '../../../shared/model/snapshot.js';
import type { Clock } from '../clock.js';
import { CryptoError } from '../crypto/index.js';
import type { RehydrationOptions } from '../destinations/destination.js';
import { DestinationError } from '../destinations/errors.js';
import { makeFolder } from '../make-folder.js';
import type { Repository } from '../repo/repository.js';
import { openObject, rehydrateObject, statObject } from '../repo/objects.js';
import { mergeSnapshots } from './merge.js';
import { resolveInside, UnsafePathError } from './safe-path.js';

/** What to restore (a wedding, whole or in part, as of a snapshot), from where, and into which folder. */
export interface RestoreRequest {
  /**
   * Repositories to read from, in order of preference: the snapshots of all are merged; objects
   * missing or damaged on one are read from the next.
   */
  repos: Repository[];
  wedding: string;
  /**
   * Destinations whose snapshot comes first (`--from`): for every path it lists, its entry wins over
   * the other destinations' (even newer) ones, and objects are read from it first. The others'
   * snapshots still add the files it lacks. Default none: the newest entry of each path wins.
   */
  snapshotSources?: Repository[];
  /**
   * `latest` (default): the newest snapshot of every destination, merged. A snapshot id: the wedding
   * as of that snapshot, each destination's newest at or before it, merged (see mergeSnapshots).
   */
  snapshot?: string;
  /** Only this device's snapshots (its id), e.g. to get back one laptop's view of a shared wedding. */
  device?: string;
  /** Paths or globs inside the wedding (`RAW/**`, `*.CR3`, `ceremony/IMG_0001.CR3`); all files when empty. */
  include?: string[];
  target: string;
  /** Replace files that already exist in the target (default: keep them and report). */
  overwrite?: boolean;
  onProgress?: (p: { done: number; total: number; bytes: number; totalBytes: number; path: string }) => void;
  /**
   * For files whose only copies are in an archive class (S3 Glacier, Azure Archive): ask for them to be
   * made readable, and wait up to `waitMs` (0: ask and return; run the restore again later).
   */
  rehydrate?: RehydrationOptions & { waitMs: number; pollMs?: number; clock: Clock };
}

/** What a restore did: the snapshots it merged, and every file restored, kept, refused, failed or archived. */
export interface RestoreResult {
  /** The snapshot that comes first (the newest, or that of `--from`). */
  snapshot: SnapshotRef;
  /** The destination `snapshot` is on. */
  from: string;
  /** Every snapshot merged into this restore, one per destination, first `snapshot`; see mergeSnapshots. */
  merged: { destination: string; snapshot: SnapshotRef; device: string }[];
  /** Files of the restore by the device whose snapshot gave them (laptops sharing the wedding), most first. */
  devices: { device: string; files: number }[];
  /** Destinations whose snapshots could not be listed: files only they hold were not restored. */
  unreachable: { destination: string; reason: string }[];
  /** Manifests passed over because they are damaged: an older one or another destination's was used. */
  damaged: { destination: string; key: string; reason: string }[];
  restored: number;
  bytes: number;
  /** Files not written because they exist in the target and `overwrite` was not asked for. */
  existing: string[];
  /** Manifest entries refused as unsafe, with the reason. */
  refused: { path: string; reason: string }[];
  /** Files restored under a safe name because this system cannot hold the stored one (`as`, relative). */
  renamed: { path: string; as: string }[];
  /** Files that could not be restored from any repository, with the reason. */
  failed: { path: string; reason: string }[];
  /** Files only found in an archive class: rehydration was requested (or is needed) before they can be read. */
  archived: { path: string; destination: string; requested: boolean }[];
}

/** Selects manifest entries by path or glob; a plain folder name selects everything under it. */
export function selectEntries(manifest: Manifest, include: string[] | undefined): ManifestEntry[] {
  if (!include || include.length === 0) return manifest.files;
  const matchers = include.map((p) => picomatch(p.replace(/\/+$/, ''), { dot: true }));
  const prefixes = include.map((p) => `${p.replace(/\/+$/, '')}/`);
  return manifest.files.filter(
    (e) => matchers.some((m) => m(e.path)) || prefixes.some((p) => e.path.startsWith(p)),
  );
}

/**
 * Restores files of a wedding into a folder: those of its snapshots on every destination, merged
 * (mergeSnapshots: each destination's manifest lists only the files it holds). Each file is read from
 * the destination whose manifest gave it, else from any other that holds it. Every byte written is
 * checked against the manifest's SHA-256 before the file gets its final name; unsafe manifest paths
 * are refused; existing files are kept unless `overwrite` is set.
 */
export async function restore(req: RestoreRequest): Promise<RestoreResult> {
  const prefer = req.snapshotSources ?? [];
  const view = await mergeSnapshots(req.repos, req.wedding, {
    ...(req.snapshot ? { id: req.snapshot } : {}),
    ...(req.device ? { device: req.device } : {}),
    prefer,
  });
  const first = view.parts[0]!;
  const entries = selectEntries(view.manifest, req.include);
  await makeFolder(req.target);
  const result: RestoreResult = {
    snapshot: first.ref,
    from: first.repo.name,
    merged: view.parts.map((p) => ({
      destination: p.repo.name,
      snapshot: p.ref,
      device: p.manifest.device?.name ?? p.manifest.host,
    })),
    devices: countBy(entries.map((e) => view.deviceOf.get(e.path) ?? view.manifest.host)),
    unreachable: view.unreachable,
    damaged: view.damaged,
    restored: 0,
    bytes: 0,
    existing: [],
    refused: [],
    renamed: [],
    failed: [],
    archived: [],
  };
  const cold: { entry: ManifestEntry; dest: string; repo: Repository }[] = [];
  const totalBytes = entries.reduce((n, e) => n + e.size, 0);
  let done = 0;
  for (const entry of entries) {
    done++;
    let dest: string;
    try {
      const place = await resolveInside(req.target, entry.path);
      dest = place.full;
      if (place.renamedAs !== undefined) result.renamed.push({ path: entry.path, as: place.renamedAs });
    } catch (err) {
      if (!(err instanceof UnsafePathError)) throw err;
      result.refused.push({ path: entry.path, reason: `unsafe path: ${err.message}` });
      continue;
    }
    if (!req.overwrite && (await stat(dest).catch(() => undefined))) {
      result.existing.push(entry.path);
      continue;
    }
    const reasons: string[] = [];
    let ok = false;
    let archivedOn: Repository | undefined;
    const order = new Set([...prefer, view.sourceOf.get(entry.path)!, ...req.repos]);
    for (const source of order) {
      try {
        await restoreOne(source, entry, dest);
        ok = true;
        break;
      } catch (err) {
        if (err instanceof DestinationError && err.kind === 'needs-rehydration') archivedOn ??= source;
        reasons.push(
          err instanceof DestinationError ? err.message : `${source.name}: ${(err as Error).message}`,
        );
      }
    }
    if (ok) {
      result.restored++;
      result.bytes += entry.size;
    } else if (archivedOn) {
      cold.push({ entry, dest, repo: archivedOn });
    } else {
      result.failed.push({ path: entry.path, reason: reasons.join('; ') });
    }
    req.onProgress?.({ done, total: entries.length, bytes: result.bytes, totalBytes, path: entry.path });
  }
  if (cold.length > 0) await restoreArchived(req, cold, result);
  return result;
}

/**
 * Files whose only copies are archived: without `rehydrate` they are listed as such; with it, their
 * rehydration is requested and, within `waitMs`, they are restored as they become readable.
 */
async function restoreArchived(
  req: RestoreRequest,
  cold: { entry: ManifestEntry; dest: string; repo: Repository }[],
  result: RestoreResult,
): Promise<void> {
  const opts = req.rehydrate;
  if (!opts) {
    for (const c of cold)
      result.archived.push({ path: c.entry.path, destination: c.repo.name, requested: false });
    return;
  }
  for (const c of cold) await rehydrateObject(c.repo, c.entry.sha256, opts);
  let waiting = cold;
  const deadline = opts.clock.now() + opts.waitMs;
  while (waiting.length > 0) {
    const still: typeof cold = [];
    for (const c of waiting) {
      const info = await statObject(c.repo, c.entry.sha256);
      if (info.archived) {
        still.push(c);
        continue;
      }
      try {
        await restoreOne(c.repo, c.entry, c.dest);
        result.restored++;
        result.bytes += c.entry.size;
      } catch (err) {
        result.failed.push({ path: c.entry.path, reason: (err as Error).message });
      }
    }
    waiting = still;
    if (waiting.length === 0 || opts.clock.now() >= deadline) break;
    await opts.clock.sleep(Math.min(opts.pollMs ?? 60_000, Math.max(0, deadline - opts.clock.now())));
  }
  for (const c of waiting)
    result.archived.push({ path: c.entry.path, destination: c.repo.name, requested: true });
}

/**
 * Downloads one object to a temp file beside `dest` (decrypting it as it streams, in an encrypted
 * repository), verifies size and SHA-256, then renames it into place. A damaged or altered encrypted
 * object fails to decrypt: an `integrity` error, and nothing is left behind.
 */
async function restoreOne(repo: Repository, entry: ManifestEntry, dest: string): Promise<void> {
  if (!/^[0-9a-f]{64}$/.test(entry.sha256)) throw new Error('manifest entry has no valid SHA-256');
  await repo.ready();
  const key = repo.objectKey(entry.sha256);
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), tempName(basename(dest)));
  const sha = createHash('sha256');
  let size = 0;
  try {
    const body = await openObject(repo, entry.sha256);
    const check = new Transform({
      transform(chunk: Buffer, _e, cb) {
        sha.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    if (repo.encrypted) {
      try {
        await pipeline(body, repo.decryptStream(), check, createWriteStream(tmp, { flags: 'wx' }));
      } catch (err) {
        if (err instanceof CryptoError)
          throw new DestinationError('integrity', repo.name, `${key}: ${err.message}`);
        throw err;
      }
    } else await pipeline(body, check, createWriteStream(tmp, { flags: 'wx' }));
    const got = sha.digest('hex');
    if (size !== entry.size || got !== entry.sha256) {
      throw new DestinationError(
        'integrity',
        repo.name,
        `${key}: content does not match the manifest (got ${size} bytes, sha256 ${got.slice(0, 12)}…; expected ${entry.size} bytes, ${entry.sha256.slice(0, 12)}…)`,
      );
    }
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const mtime = Date.parse(entry.mtime);
    if (!Number.isNaN(mtime)) await utimes(tmp, mtime / 1000, mtime / 1000);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A hidden temp name beside the file, kept within 255 bytes (NAME_MAX) however long the file's name is. */
function tempName(name: string): string {
  const suffix = `.keepsake-${randomUUID().slice(0, 8)}.part`;
  let chars = Array.from(name);
  while (Buffer.byteLength(`.${chars.join('')}${suffix}`) > 255) chars = chars.slice(0, -1);
  return `.${chars.join('')}${suffix}`;
}

/** How many times each value occurs, most first. */
function countBy(values: string[]): { device: string; files: number }[] {
  const n = new Map<string, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  return [...n].map(([device, files]) => ({ device, files })).sort((a, b) => b.files - a.files);
}
