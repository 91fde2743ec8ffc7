import type { Clock } from '../clock.js';
import { DestinationError, isNotFound } from '../destinations/errors.js';
import { verifyStored } from '../pipeline/backup-file.js';
import { writeSnapshots } from '../pipeline/snapshot.js';
import { removeObject } from '../repo/objects.js';
import type { Repository } from '../repo/repository.js';
import type { Store } from '../store/store.js';

export interface VerifyResult {
  checked: number;
  ok: number;
  missing: { destination: string; hash: string }[];
  corrupt: { destination: string; hash: string }[];
  /** Damaged or missing copies queued to be sent again from the original on this computer. */
  requeued: number;
  /** Damaged or missing copies whose original is no longer on this computer (other copies are listed). */
  unrepairable: { destination: string; hash: string; otherCopies: string[] }[];
  /** Destinations that could not be checked, with the reason. */
  unreachable: { destination: string; reason: string }[];
  /** Manifests whose bytes differ from what Keepsake wrote, or that are missing. */
  tamperedManifests: { destination: string; key: string }[];
  /** Manifests written again from the index because the newest one there was damaged or missing. */
  rewrittenManifests: string[];
}

/**
 * Scrub: re-reads stored objects (all, or a random `percent` sample) and compares size and digest.
 * A missing or damaged copy is recorded as such (so it stops counting as protection) and is queued to
 * be sent again from the local original when that still exists.
 */
export async function verifyReplicas(
  ctx: { store: Store; clock: Clock; repos: Repository[]; deviceName?: string },
  opts: { percent?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<VerifyResult> {
  const { store, clock } = ctx;
  const result: VerifyResult = {
    checked: 0,
    ok: 0,
    missing: [],
    corrupt: [],
    requeued: 0,
    unrepairable: [],
    unreachable: [],
    tamperedManifests: [],
    rewrittenManifests: [],
  };
  const work = ctx.repos.map((repo) => ({
    repo,
    replicas: store.objects.replicasAt(repo.name, opts.percent ?? 100),
  }));
  const total = work.reduce((n, w) => n + w.replicas.length, 0);
  for (const { repo, replicas } of work) {
    try {
      await repo.check();
    } catch (err) {
      result.unreachable.push({ destination: repo.name, reason: (err as Error).message });
      continue;
    }
    for (const { hash, size } of replicas) {
      result.checked++;
      const md5 = store.objects.get(hash)?.md5 ?? null;
      try {
        await verifyStored(ctx, repo, hash, size, md5);
        result.ok++;
      } catch (err) {
        const bad = isNotFound(err)
          ? 'missing'
          : err instanceof DestinationError && err.kind === 'integrity'
            ? 'corrupt'
            : undefined;
        if (!bad) {
          result.unreachable.push({ destination: repo.name, reason: (err as Error).message });
          break;
        }
        store.objects.markBad(hash, repo.name, bad, clock.now());
        result[bad].push({ destination: repo.name, hash });
        if (bad === 'corrupt') await removeObject(repo, hash).catch(() => undefined);
        const originals = store.files.withHash(hash);
        if (originals.length > 0) {
          for (const f of originals) {
            store.files.setState(
              f.id,
              'pending',
              `copy on ${repo.name} was ${bad}; sending again`,
              clock.now(),
            );
            store.queue.enqueue('upload', String(f.id), clock.now(), { priority: 5 });
          }
          result.requeued++;
        } else {
          result.unrepairable.push({
            destination: repo.name,
            hash,
            otherCopies: store.objects.storedAt(hash),
          });
        }
      }
      opts.onProgress?.(result.checked, total);
    }
    const damagedWeddings = new Set<number | null>();
    for (const snap of store.snapshots.forDestination(repo.name)) {
      let damaged: boolean;
      try {
        const { sha256 } = await repo.readManifest(snap.manifestKey);
        damaged = sha256 !== snap.manifestSha256;
      } catch (err) {
        damaged = isNotFound(err) || !(err instanceof DestinationError) || err.kind === 'integrity';
      }
      if (!damaged) continue;
      result.tamperedManifests.push({ destination: repo.name, key: snap.manifestKey });
      if (store.snapshots.latest(snap.weddingId, repo.name)?.manifestKey === snap.manifestKey)
        damagedWeddings.add(snap.weddingId);
    }
    // A wedding whose newest manifest here is damaged is not restorable from here by name: it stops
    // counting as protected there and its manifest is written again from the index at once.
    for (const weddingId of damagedWeddings) {
      store.snapshots.forgetManifested(weddingId, repo.name);
      const { written, errors } = await writeSnapshots(
        { store, clock, repos: [repo], deviceName: ctx.deviceName },
        weddingId,
      );
      result.rewrittenManifests.push(...written);
      for (const e of errors) result.unreachable.push({ destination: repo.name, reason: e.message });
    }
  }
  return result;
}
