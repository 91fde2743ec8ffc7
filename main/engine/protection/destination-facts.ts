import { stat, statfs } from 'node:fs/promises';
import type { DestinationFacts } from '../../../shared/model/policy.js';
import type { Clock } from '../clock.js';
import type { DestinationConfig } from '../config/schema.js';
import type { HealthMonitor } from '../health/monitor.js';
import { destinationFacts, type PriceFunction } from '../placement/facts.js';

/** How long a local folder's free space and device are reused before they are read again. */
const DISK_FACTS_MS = 30_000;

interface DiskFacts {
  at: number;
  device: string | null;
  freeBytes: number | null;
}

/**
 * What placement needs to know of each enabled destination, kept fresh cheaply: health from the
 * monitor (read every time), price from the price book, region tags and "on the laptop" from the
 * config, and for local folders their disk (so two folders on one disk are one provider) and free
 * space, read in the background at most every 30 s.
 */
export class DestinationFactsSource {
  private readonly disks = new Map<string, DiskFacts>();
  private readonly reading = new Map<string, Promise<void>>();

  /** Devices (stat's `dev`) of the watched folders: the laptop's disks holding the photos. */
  private photoDevices = new Set<string>();

  constructor(
    private readonly destinations: readonly DestinationConfig[],
    private readonly monitor: HealthMonitor,
    private readonly price: PriceFunction,
    private readonly clock: Clock,
    /** The watched folders, whose disks are the laptop's (read again at each refresh). */
    private readonly photoFolders: () => readonly string[] = () => [],
  ) {}

  /** Reads every local folder's disk facts now (at start-up, so the first placements know them). */
  async refresh(): Promise<void> {
    const devices = new Set<string>();
    await Promise.all(
      this.photoFolders().map(async (p) => {
        try {
          devices.add(String((await stat(p)).dev));
        } catch {
          // A missing watched folder holds no photos to compare with; status reports it.
        }
      }),
    );
    this.photoDevices = devices;
    await Promise.all(this.destinations.filter((d) => d.kind === 'local').map((d) => this.readDisk(d)));
  }

  /**
   * Whether a local folder's copies travel with the laptop: as configured (`onLaptop`), else when it
   * is on the disk of a watched folder, or its disk is not known (unplugged: not counted as elsewhere).
   */
  private onLaptop(d: DestinationConfig & { kind: 'local' }, device: string | null): boolean {
    if (d.onLaptop !== undefined) return d.onLaptop;
    return device === null || this.photoDevices.has(device);
  }

  /** The facts of every destination for an object held by `holders` (stored copies). */
  facts(holders: ReadonlySet<string>): DestinationFacts[] {
    return this.destinations.map((d) => {
      const disk = d.kind === 'local' ? this.disk(d) : undefined;
      const health = this.monitor.health(d.name);
      // A full destination takes nothing new, but the copies it has are there and readable: it is
      // placed as one with no room left, not as one that is down.
      const full = health?.state === 'down' && health.cause === 'full';
      return destinationFacts(
        d,
        {
          health: full ? 'degraded' : (health?.state ?? 'healthy'),
          ...(health && health.state !== 'healthy' ? { healthReason: health.reason } : {}),
          alreadyHas: holders.has(d.name),
          freeBytes: full ? 0 : (disk?.freeBytes ?? null),
          device: disk?.device ?? null,
          regionTags: d.tags ?? [],
          local: d.kind === 'local' ? this.onLaptop(d, disk?.device ?? null) : false,
        },
        this.price,
      );
    });
  }

  private disk(d: DestinationConfig & { kind: 'local' }): DiskFacts | undefined {
    const known = this.disks.get(d.name);
    if (!known || this.clock.now() - known.at >= DISK_FACTS_MS) void this.readDisk(d);
    return known;
  }

  private readDisk(d: DestinationConfig & { kind: 'local' }): Promise<void> {
    const running = this.reading.get(d.name);
    if (running) return running;
    const p = (async () => {
      let device: string | null = null;
      let freeBytes: number | null = null;
      try {
        device = String((await stat(d.path)).dev);
        const fs = await statfs(d.path);
        freeBytes = fs.bavail * fs.bsize;
      } catch {
        // Unplugged or unreadable: health says so; room and disk stay unknown.
      }
      this.disks.set(d.name, { at: this.clock.now(), device, freeBytes });
    })().finally(() => this.reading.delete(d.name));
    this.reading.set(d.name, p);
    return p;
  }
}
