import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../store/audit-log.js';
import { ManualClock } from '../clock.js';
import type { DestinationConfig } from '../config/schema.js';
import { DestinationError } from '../destinations/errors.js';
import { LocalDestination } from '../destinations/local/local.js';
import { HealthMonitor } from '../health/monitor.js';
import { defaultPolicies } from '../policy/schema.js';
import { Store } from '../store/store.js';
import { protectedBelowTarget, weddingCoverage } from './coverage.js';
import { DestinationFactsSource } from './destination-facts.js';
import { FailoverTracker } from './failover.js';
import type { ProtectionMode } from './mode.js';
import { Planner } from './planner.js';
import { WeddingPolicies } from './wedding-policy.js';

const HASH = 'a'.repeat(64);

/** Three destinations of three providers: a drive on the laptop, an S3-compatible NAS-like server, Azure. */
const destinations: DestinationConfig[] = [
  { name: 'laptop', kind: 'local', path: '/nonexistent/laptop', enabled: true, onLaptop: true },
  {
    name: 's3',
    kind: 's3',
    bucket: 'studio',
    region: 'us-east-1',
    endpoint: 'http://s3.studio.example',
    credentials: 'environment',
    enabled: true,
  },
  {
    name: 'azure',
    kind: 'azure',
    container: 'studio',
    endpoint: 'http://azure.studio.example',
    credentials: 'environment',
    enabled: true,
    tags: ['EU'],
  },
];

let dir: string;
let store: Store;
let clock: ManualClock;
let monitor: HealthMonitor;
let audit: AuditLog;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keepsake-planner-'));
  store = Store.open(join(dir, 'index.db'));
  clock = new ManualClock(Date.parse('2026-06-14T12:00:00Z'));
  monitor = new HealthMonitor(clock);
  for (const d of destinations) monitor.add(new LocalDestination(d.name, join(dir, d.name)));
  audit = new AuditLog(store.db, clock);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(mode: ProtectionMode = 'policy') {
  const facts = new DestinationFactsSource(destinations, monitor, () => 0.01, clock);
  const policies = new WeddingPolicies(store, clock, defaultPolicies, () => 0);
  const planner = new Planner(store, clock, policies, facts, mode, audit);
  return { facts, planner, policies };
}

/** A wedding with one file of content HASH, first seen `seenAt`. */
function weddingWithFile(date: string, seenAt = clock.now()): { weddingId: number; fileId: number } {
  const folder = store.folders.add(join(dir, 'photos'), 'weddings', seenAt);
  const wedding = store.weddings.create(
    { slugBase: date, couple: `Couple ${date}`, date, source: 'folder' },
    seenAt,
  );
  const path = join(dir, 'photos', date, 'IMG_0001.CR3');
  const stat = { size: 1000, mtimeMs: 1, ino: String(wedding.id), dev: '1' };
  const { file } = store.files.seen(
    { path, folderId: folder.id, weddingId: wedding.id, relPath: 'IMG_0001.CR3', stat },
    seenAt,
  );
  store.objects.ensure(HASH, 1000, null, seenAt);
  store.files.setHash(file.id, HASH, stat, seenAt);
  return { weddingId: wedding.id, fileId: file.id };
}

/** Three failed calls in a row: the breaker opens and the destination is down. */
function fail(name: string) {
  for (let i = 0; i < 3; i++) {
    monitor.record(name, {
      method: 'put',
      startedAt: clock.now(),
      latencyMs: 10,
      error: new DestinationError('unavailable', name, 'connection refused'),
    });
    clock.advance(100);
  }
}

/** Stores the file's content on `destination` and records a manifest there naming it: a restorable copy. */
function storeRestorable(destination: string, weddingId: number, fileId: number): void {
  store.objects.markStored(HASH, destination, clock.now());
  store.snapshots.recordWithFiles(
    {
      weddingId,
      destination,
      snapshotId: `snap-${destination}-${clock.now()}`,
      manifestKey: `snapshots/${weddingId}/${destination}-${clock.now()}.json`,
      manifestSha256: 'b'.repeat(64),
      fingerprint: 'f',
      files: 1,
      bytes: 1000,
      createdAt: clock.now(),
    },
    [{ fileId, hash: HASH }],
  );
}

describe('the planner', () => {
  it('holds a wedding of this week to the critical policy: two copies off the laptop on two providers', () => {
    const { planner } = setup();
    const { weddingId } = weddingWithFile('2026-06-13');
    const plan = planner.plan(weddingId, HASH, 1000);
    expect(plan.policy.name).toBe('critical');
    expect(plan.placement.satisfied).toBe(true);
    expect(plan.send.sort()).toEqual(['azure', 's3']);
    const recorded = store.placements.of(HASH);
    expect(recorded.map((r) => r.destination)).toEqual(['azure', 's3']);
    expect(recorded.every((r) => r.policy === 'critical' && r.reason.length > 10)).toBe(true);
  });

  it('counts only stored copies on destinations that are up, and re-places work when one goes down', () => {
    const { planner } = setup();
    const { weddingId } = weddingWithFile('2026-06-13');
    planner.plan(weddingId, HASH, 1000);
    expect(planner.coverage(weddingId, HASH).met).toBe(false);
    store.objects.markStored(HASH, 's3', clock.now());
    store.objects.markStored(HASH, 'azure', clock.now());
    expect(planner.coverage(weddingId, HASH)).toEqual({ met: true });

    fail('s3');
    expect(monitor.health('s3')?.state).toBe('down');
    expect(planner.coverage(weddingId, HASH).met).toBe(false);
    // The critical policy needs two copies off the laptop: with S3 down, only Azure is left off it.
    const plan = planner.plan(weddingId, HASH, 1000);
    expect(plan.placement.satisfied).toBe(false);
    expect(plan.placement.shortfall).toMatch(/'s3' is down/);
    const moved = audit.query({ kinds: ['placement'], limit: 100 });
    expect(moved).toHaveLength(1);
    expect(moved[0]!.detail).toMatchObject({ dropped: ['s3'] });
  });

  it('uses the laptop drive for a standard wedding when a cloud is down', () => {
    const { planner } = setup();
    const { weddingId } = weddingWithFile('2026-01-10', clock.now() - 100 * 86_400_000);
    const first = planner.plan(weddingId, HASH, 1000);
    expect(first.policy.name).toBe('standard');
    expect(first.placement.satisfied).toBe(true);
    fail('s3');
    const again = planner.plan(weddingId, HASH, 1000);
    expect(again.placement.satisfied).toBe(true);
    expect(again.placement.targets.map((t) => t.destination)).not.toContain('s3');
  });

  it('keeps an EU wedding on EU destinations and reports the shortfall instead of placing it elsewhere', () => {
    const { planner } = setup();
    const { weddingId } = weddingWithFile('2026-01-10', clock.now() - 100 * 86_400_000);
    store.weddings.setSettings(weddingId, { residency: 'eu' });
    const plan = planner.plan(weddingId, HASH, 1000);
    expect(plan.policy.residency).toBe('EU');
    expect(plan.placement.targets.map((t) => t.destination)).toEqual(['azure']);
    expect(plan.placement.satisfied).toBe(false);
    expect(store.placements.shortfallOf(weddingId)).toMatch(/tagged EU/);
    store.objects.markStored(HASH, 's3', clock.now());
    store.objects.markStored(HASH, 'azure', clock.now());
    // A copy outside the region does not count.
    expect(planner.coverage(weddingId, HASH).met).toBe(false);
  });

  it('under "all" puts a copy everywhere and needs them all', () => {
    const { planner } = setup('all');
    const { weddingId } = weddingWithFile('2026-01-10', clock.now() - 100 * 86_400_000);
    const plan = planner.plan(weddingId, HASH, 1000);
    expect(plan.policy.copies).toBe(3);
    expect(plan.send.sort()).toEqual(['azure', 'laptop', 's3']);
  });

  it('makes undated files critical on the day they come in', () => {
    const { policies } = setup();
    expect(policies.of(null).name).toBe('standard');
    const folder = store.folders.add(join(dir, 'import'), 'import', clock.now());
    const stat = { size: 5, mtimeMs: 1, ino: '9', dev: '1' };
    clock.advance(1000);
    store.files.seen(
      { path: join(dir, 'import', 'a.jpg'), folderId: folder.id, weddingId: null, relPath: 'a.jpg', stat },
      clock.now(),
    );
    // Within the cache time, a new file still turns the policy critical at once.
    expect(policies.of(null).name).toBe('critical');
  });
});

describe('start-up check of protected files', () => {
  it('finds the protected files below target in one pass, agreeing with coverage file by file', () => {
    const { planner, facts } = setup();
    const critical = weddingWithFile('2026-06-13');
    const older = weddingWithFile('2026-01-10', clock.now() - 100 * 86_400_000);
    const files = [critical, older];
    for (const f of files) store.files.setState(f.fileId, 'protected', null, clock.now());
    store.objects.markStored(HASH, 's3', clock.now());
    store.objects.markStored(HASH, 'azure', clock.now());
    /** The oracle: coverage asked file by file. */
    const oneByOne = () =>
      files
        .filter((f) => !planner.coverage(f.weddingId, HASH).met)
        .map((f) => ({ id: f.fileId, weddingId: f.weddingId }));
    expect(protectedBelowTarget(store, planner, facts)).toEqual([]);
    expect(oneByOne()).toEqual([]);

    // S3 down: the critical wedding needs two copies off the laptop on two providers; one is left.
    fail('s3');
    const below = protectedBelowTarget(store, planner, facts);
    expect(below).toContainEqual({ id: critical.fileId, weddingId: critical.weddingId });
    expect(below).toEqual(oneByOne());

    // A file not yet protected is not this check's business: start-up queues it as unfinished.
    store.files.setState(critical.fileId, 'pending', null, clock.now());
    expect(protectedBelowTarget(store, planner, facts).map((f) => f.id)).not.toContain(critical.fileId);
    expect(store.files.unfinished()).toEqual([{ id: critical.fileId, weddingId: critical.weddingId }]);
  });
});

describe('coverage and failover', () => {
  it('opens an incident when a destination goes down and closes it when every wedding is at target again', () => {
    const { planner, facts } = setup();
    const { weddingId, fileId } = weddingWithFile('2026-01-10', clock.now() - 100 * 86_400_000);
    storeRestorable('s3', weddingId, fileId);
    storeRestorable('azure', weddingId, fileId);
    const coverage = (w?: readonly (number | null)[]) => weddingCoverage(store, planner, facts, w);
    expect(coverage().get(weddingId)).toMatchObject({ files: 1, met: 1, below: 0 });

    const tracker = new FailoverTracker({
      store,
      clock,
      audit,
      coverage,
      priorityOf: (w) => planner.policyOf(w).priority,
      wake: () => undefined,
    });
    const recovered: number[] = [];
    tracker.on('recovered', (_incident, ms) => recovered.push(ms));
    monitor.on('change', (change, health) => tracker.onChange(change, health));
    const firstFailure = clock.now() + 10;
    fail('s3');

    const [incident] = store.failovers.unrecovered();
    expect(incident).toMatchObject({ destination: 's3', failedAt: firstFailure, weddings: [weddingId] });
    expect(coverage().get(weddingId)).toMatchObject({ below: 1 });
    const jobs = store.queue.claim('test', clock.now(), 1000, 10);
    expect(jobs.map((j) => j.subject)).toEqual([String(fileId)]);

    clock.advance(5_000);
    tracker.check();
    expect(recovered).toEqual([]);
    storeRestorable('laptop', weddingId, fileId);
    tracker.check();
    expect(recovered).toEqual([clock.now() - firstFailure]);
    expect(store.failovers.unrecovered()).toEqual([]);
    expect(audit.query({ kinds: ['failover'], limit: 100 })).toHaveLength(2);
  });

  it('with a copy everywhere, does not queue the files stored on a drive that went away', () => {
    const { planner, facts } = setup('all');
    const { weddingId } = weddingWithFile('2026-01-10', clock.now() - 100 * 86_400_000);
    for (const d of ['laptop', 's3', 'azure']) store.objects.markStored(HASH, d, clock.now());
    const tracker = new FailoverTracker({
      store,
      clock,
      audit,
      coverage: (w) => weddingCoverage(store, planner, facts, w),
      priorityOf: (w) => planner.policyOf(w).priority,
      wake: () => undefined,
      replaces: false,
    });
    monitor.on('change', (change, health) => tracker.onChange(change, health));
    fail('laptop');
    // The incident is recorded and the wedding is below target, but nothing can go elsewhere.
    expect(store.failovers.unrecovered()).toMatchObject([{ destination: 'laptop', weddings: [weddingId] }]);
    expect(store.queue.claim('test', clock.now(), 1000, 10)).toEqual([]);
  });
});
