import type { DeviceIndex } from '../../../shared/model/device-index.js';
import { isoAt, type Clock } from '../clock.js';
import type { Device } from '../config/device.js';
import type { Repository } from '../repo/repository.js';
import type { Store } from '../store/store.js';
import { UNASSIGNED } from './unassigned.js';

/** This device's index for one repository: its newest snapshot of each wedding there, from the local index. */
export function deviceIndexFor(store: Store, repo: Repository, device: Device, clock: Clock): DeviceIndex {
  const weddings = store.snapshots.newestOfEachWedding(repo.name).map((s) => {
    const w = s.weddingId === null ? UNASSIGNED : (store.weddings.byId(s.weddingId) ?? UNASSIGNED);
    return {
      slug: w.slug,
      couple: w.couple,
      date: w.date,
      snapshot: s.snapshotId,
      files: s.files,
      bytes: s.bytes,
      destinations: store.snapshots.destinationsOf(s.weddingId),
    };
  });
  return {
    format: 'keepsake-device',
    version: 1,
    id: device.id,
    name: device.name,
    updatedAt: isoAt(clock.now()),
    weddings,
  };
}
