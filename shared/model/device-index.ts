/**
 * What one device (a laptop with Keepsake) has stored in a repository, as it last wrote it
 * (`devices/<device-id>.json`, docs/FORMAT.md): a summary for the studio view, read without the
 * manifests. The manifests under `snapshots/` stay the truth; this may lag behind them.
 */
export interface DeviceIndex {
  format: 'keepsake-device';
  version: 1;
  id: string;
  name: string;
  /** When the device last wrote it (ISO 8601 UTC): after its newest snapshot on this destination. */
  updatedAt: string;
  /** Each wedding this device has a snapshot of here: its newest one. */
  weddings: DeviceWedding[];
}

export interface DeviceWedding {
  slug: string;
  couple: string;
  date: string | null;
  /** The device's newest snapshot of the wedding on this destination. */
  snapshot: string;
  files: number;
  bytes: number;
  /** The destinations (by the device's names for them) holding a snapshot of the wedding from this device. */
  destinations: string[];
}
