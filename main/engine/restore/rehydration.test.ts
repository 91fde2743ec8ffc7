import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { newConfig, saveConfig } from '../config/config-file.js';
import type { ByteRange, ObjectInfo, RehydrationOptions } from '../destinations/destination.js';
import { DestinationError } from '../destinations/errors.js';
import { LocalDestination } from '../destinations/local/local.js';
import { Engine } from '../engine.js';
import { Repository } from '../repo/repository.js';
import { addDestination } from '../setup/destinations.js';
import { addFolder } from '../setup/folders.js';
import { restore } from './restorer.js';

/**
 * A local folder that behaves like an archive class: objects cannot be read until rehydration is
 * requested and one status check has passed (as S3 Glacier or Azure Archive report it).
 */
class ColdLocal extends LocalDestination {
  readonly requested: { key: string; opts: RehydrationOptions }[] = [];
  private readonly warming = new Map<string, number>();
  private archived(key: string): boolean {
    if (!key.startsWith('objects/')) return false;
    const polls = this.warming.get(key);
    return polls === undefined || polls < 1;
  }
  override async get(key: string, range?: ByteRange): Promise<Readable> {
    if (this.archived(key)) throw new DestinationError('needs-rehydration', this.name, `${key}: archived`);
    return super.get(key, range);
  }
  override async stat(key: string): Promise<ObjectInfo> {
    const info = await super.stat(key);
    const archived = this.archived(key);
    if (this.warming.has(key)) this.warming.set(key, this.warming.get(key)! + 1);
    return { ...info, storageClass: 'DEEP_ARCHIVE', archived };
  }
  override async requestRehydration(key: string, opts: RehydrationOptions): Promise<void> {
    this.requested.push({ key, opts });
    if (!this.warming.has(key)) this.warming.set(key, 0);
  }
}

describe('restore from archive classes', () => {
  const base = mkdtempSync(join(tmpdir(), 'keepsake-cold-'));
  const wedding = join(base, 'Weddings', '2025-05-01 Ito & Park');
  const files = { 'a.CR3': randomBytes(50_000), 'b.CR3': randomBytes(70_000) };
  beforeAll(async () => {
    mkdirSync(wedding, { recursive: true });
    for (const [n, d] of Object.entries(files)) writeFileSync(join(wedding, n), d);
    let config = addFolder(newConfig(), join(base, 'Weddings'), 'weddings');
    config = await addDestination(
      config,
      { name: 'Warm', kind: 'local', path: join(base, 'warm'), enabled: true, onLaptop: false },
      systemClock,
    );
    config = await addDestination(
      config,
      { name: 'Cold', kind: 'local', path: join(base, 'cold'), enabled: true, onLaptop: false },
      systemClock,
    );
    saveConfig(join(base, 'home'), config);
    const engine = Engine.open({ home: join(base, 'home') });
    try {
      expect((await engine.backupOnce()).allProtected).toBe(true);
    } finally {
      await engine.close();
    }
  });

  const repos = () => {
    const cold = new ColdLocal('Cold', join(base, 'cold'));
    return {
      cold,
      coldRepo: new Repository(cold, randomUUID()),
      warmRepo: new Repository(new LocalDestination('Warm', join(base, 'warm')), randomUUID()),
    };
  };

  it('reads from a warm copy when the preferred destination is archived, without asking for rehydration', async () => {
    const { cold, coldRepo, warmRepo } = repos();
    const target = join(base, 'out-warm');
    const r = await restore({
      repos: [coldRepo, warmRepo],
      snapshotSources: [coldRepo],
      wedding: '2025-05-01-ito-park',
      target,
    });
    expect(r.restored).toBe(2);
    expect(r.archived).toEqual([]);
    expect(cold.requested).toEqual([]);
    expect(readFileSync(join(target, 'a.CR3')).equals(files['a.CR3'])).toBe(true);
  });

  it('lists archived files when only an archive copy exists and rehydration was not asked for', async () => {
    const { cold, coldRepo } = repos();
    const r = await restore({
      repos: [coldRepo],
      wedding: '2025-05-01-ito-park',
      target: join(base, 'out-none'),
    });
    expect(r.restored).toBe(0);
    expect(r.failed).toEqual([]);
    expect(r.archived.map((a) => [a.path, a.destination, a.requested]).sort()).toEqual([
      ['a.CR3', 'Cold', false],
      ['b.CR3', 'Cold', false],
    ]);
    expect(cold.requested).toEqual([]);
  });

  it('requests rehydration, waits for it, then restores and verifies', async () => {
    const { cold, coldRepo } = repos();
    const target = join(base, 'out-rehydrated');
    const r = await restore({
      repos: [coldRepo],
      wedding: '2025-05-01-ito-park',
      target,
      rehydrate: { speed: 'bulk', days: 3, waitMs: 5_000, pollMs: 10, clock: systemClock },
    });
    expect(cold.requested.map((q) => q.opts)).toEqual([
      { speed: 'bulk', days: 3, waitMs: 5_000, pollMs: 10, clock: systemClock },
      { speed: 'bulk', days: 3, waitMs: 5_000, pollMs: 10, clock: systemClock },
    ]);
    expect(r.restored).toBe(2);
    expect(r.archived).toEqual([]);
    for (const [n, d] of Object.entries(files)) expect(readFileSync(join(target, n)).equals(d)).toBe(true);
  });
});
