import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type { FailoverSummary, FolderStatus, StatusReport } from '../../shared/model/status.js';
import type { WeddingStatus } from '../../shared/model/wedding.js';
import { isoAt, localUtcOffsetMinutes, systemClock, type Clock } from './clock.js';
import { ConfigError, loadConfig } from './config/config-file.js';
import { databaseFile, lockFile } from './config/home.js';
import { CredentialStore } from './config/credentials.js';
import { FileKeyCache, type KeyCache } from './config/key-cache.js';
import { deviceOf, type Device } from './config/device.js';
import type { Config } from './config/schema.js';
import { errorKind } from './destinations/errors.js';
import type { Destination } from './destinations/destination.js';
import { createDestination, describeLocation } from './destinations/factory.js';
import { abortAbandonedUploads } from './destinations/maintenance.js';
import { bandwidthLimiterFor } from './destinations/wrap/bandwidth.js';
import { DestinationMetrics, wrapDestination } from './destinations/wrap/index.js';
import type { AuditLog } from './store/audit-log.js';
import { HealthMonitor } from './health/monitor.js';
import type { OutcomeSink } from './health/outcome.js';
import { withHealth } from './health/with-health.js';
import { PausedError, WriteBackoff } from './health/write-backoff.js';
import { Intake, type Regrouped } from './intake/intake.js';
import { NotificationCenter } from './notify/center.js';
import { notifiersFor } from './notify/from-config.js';
import { reconcile, type ReconcileResult } from './intake/reconcile.js';
import { acquireLock } from './lock.js';
import { ownerOnlyFolder } from './owner-only.js';
import { backupFile, hashPool, type BackupOutcome } from './pipeline/backup-file.js';
import { deviceIndexFor } from './pipeline/device-index.js';
import { writeSnapshots } from './pipeline/snapshot.js';
import { priceFromBook } from './placement/prices.js';
import { applyOverrides } from './cost/overrides.js';
import { LIST_PRICES } from './cost/prices.js';
import { protectedBelowTarget, weddingCoverage, type WeddingCoverage } from './protection/coverage.js';
import { DestinationFactsSource } from './protection/destination-facts.js';
import { FailoverTracker } from './protection/failover.js';
import { Planner } from './protection/planner.js';
import { WeddingPolicies } from './protection/wedding-policy.js';
import { unlockFromCache } from './repo/encryption.js';
import { Repository } from './repo/repository.js';
import { restore, type RestoreRequest, type RestoreResult } from './restore/restorer.js';
import { retryDelay, Scheduler, type JobResult } from './scheduler/scheduler.js';
import { verifyReplicas, type VerifyResult } from './scrub/verify.js';
import type { Job } from './store/queue.js';
import { Coalesced } from './scheduler/coalesced.js';
import { defaultGroupCommitMs } from './store/group-commit.js';
import { analyzeWedding, UnknownWeddingError } from './analysis/analyze.js';
import type { WeddingAnalysis } from '../../shared/model/analysis.js';
import { applyPlan, type AppliedMove } from './optimize/apply.js';
import { costTarget } from './cost/targets.js';
import { optimizationReport } from './optimize/report.js';
import type { OptimizationPlan } from '../../shared/model/optimize.js';
import { Store } from './store/store.js';
import { FolderWatcher } from './watch/watcher.js';
import { folderProblem } from './watch/folder-problem.js';

/** How long an interrupted upload may be resumed; older ones start over (S3 aborts them after a day too). */
const UPLOAD_RESUME_MS = 24 * 3_600_000;
/** How long after a snapshot this device's index is written, so that one write covers a burst. */
const DEVICE_INDEX_DELAY_MS = 10_000;

export interface EngineOptions {
  home: string;
  clock?: Clock;
  /**
   * Longest wait, while other uploads are under way, between a finished file and the snapshot that
   * names it (default 30 s); once nothing is left to upload the snapshot is written at once.
   */
  snapshotDelayMs?: number;
  /**
   * Where the keys of encrypted destinations are kept unlocked (default: owner-only files in the
   * home, FileKeyCache). The desktop shell passes one backed by the OS keychain.
   */
  keys?: KeyCache;
  /**
   * Where cloud destinations' stored credentials are read (default: the home's owner-only
   * credentials.json, CredentialStore). The desktop shell's come from the OS keychain.
   */
  credentials?: Pick<CredentialStore, 'get'>;
  /** The photographer's offset from UTC in minutes (default: this computer's time zone). */
  utcOffsetMinutes?: number;
}

/** Events the engine emits for progress output and, later, the UI's live stream. */
/** What adding or changing a wedding did: its id, the indexed files it got, all files that moved. */
export interface WeddingChange {
  id: number;
  added: number;
  moved: number;
}

export interface EngineEvents {
  read: [bytes: number];
  file: [path: string, outcome: BackupOutcome];
  snapshot: [written: string];
  problem: [message: string];
  /** A destination's health changed (state or cause). */
  health: [destination: string];
  /** A restore's progress, after each file (for the UI's progress bar and ETA). */
  restore: [progress: RestoreProgress];
  /** The optimizer's apply: copies changed so far of the total. */
  optimize: [done: number, total: number];
}

/** How far a restore is: files and bytes done of the total, and the file just written. */
export interface RestoreProgress {
  done: number;
  total: number;
  bytes: number;
  totalBytes: number;
  path: string;
}

/**
 * The composition root of the engine: config, store, destinations (wrapped with retry, throttling
 * and metrics), intake, scheduler and watcher. The CLI and, later, the local API drive it.
 */
export class Engine extends EventEmitter<EngineEvents> {
  readonly clock: Clock;
  readonly store: Store;
  readonly repos: Repository[];
  readonly metrics = new Map<string, DestinationMetrics>();
  /** The providers' destinations before wrapping, for provider-side housekeeping. */
  private readonly raw = new Map<string, Destination>();
  /** Health of every destination: circuit breakers fed by every call, plus probes. */
  readonly monitor: HealthMonitor;
  /** Pauses uploads to a destination whose writes keep failing, so files are not read again and again. */
  private readonly writeBackoff: WriteBackoff;
  /** Where stored credentials of cloud destinations are read (a file headless, the keychain under the shell). */
  readonly credentials: Pick<CredentialStore, 'get'>;
  /** The append-only record of backups, verifications, restores and destination changes. */
  readonly audit: AuditLog;
  /** Sends one message per incident (destination down, wedding below target, verify failure). */
  readonly notices: NotificationCenter;
  /** Decides each file's policy and where its copies go, and records why. */
  readonly planner: Planner;
  /** Moves work off a destination that went down and measures the failover recovery time. */
  readonly failover: FailoverTracker;
  private readonly facts: DestinationFactsSource;
  private readonly intake: Intake;
  private readonly scheduler: Scheduler;
  private releaseLock: (() => void) | undefined;

  /** This installation as a device of the repositories it shares with other laptops. */
  get device(): Device {
    return deviceOf(this.config);
  }

  private constructor(
    readonly home: string,
    readonly config: Config,
    opts: EngineOptions,
  ) {
    super();
    this.clock = opts.clock ?? systemClock;
    ownerOnlyFolder(home);
    // Group commit: a burst of small files shares one commit (see GroupCommit for what a crash costs).
    this.store = Store.open(databaseFile(home), { windowMs: defaultGroupCommitMs });
    const credentials = (this.credentials = opts.credentials ?? new CredentialStore(home));
    const keys = opts.keys ?? new FileKeyCache(home);
    this.monitor = new HealthMonitor(this.clock);
    // A trial upload ended: the uploads waiting for it ask again now, and go if it took the write, or
    // learn the new pause (cheaply: a paused destination's files are not read).
    this.writeBackoff = new WriteBackoff(this.clock, {}, () => {
      this.store.queue.retryNow('upload', this.clock.now());
      this.scheduler.wake();
    });
    const outcomes: OutcomeSink = {
      record: (destination, outcome) => {
        this.monitor.record(destination, outcome);
        this.writeBackoff.record(destination, outcome);
      },
    };
    this.audit = this.store.auditLog(this.clock);
    this.notices = new NotificationCenter(this.clock, notifiersFor(config, this.clock), {
      belowTargetAfterMs: config.notifications.belowTargetMinutes * 60_000,
    });
    const bandwidth = bandwidthLimiterFor(config.transfer, this.clock);
    this.repos = config.destinations
      .filter((d) => d.enabled)
      .map((d) => {
        const metrics = new DestinationMetrics(this.clock);
        this.metrics.set(d.name, metrics);
        const raw = createDestination(
          d,
          d.kind !== 'local' && d.credentials === 'stored' ? credentials.get(d.name) : undefined,
        );
        this.raw.set(d.name, raw);
        this.monitor.add(raw, { where: d.kind === 'local' ? 'local' : 'remote' });
        // Health sees every attempt, including the ones retry hides.
        const wrapped = wrapDestination(withHealth(raw, outcomes, this.clock), {
          clock: this.clock,
          concurrency: Math.max(4, config.transfer.concurrency * 2),
          metrics,
          ...(bandwidth ? { bandwidth } : {}),
          retry: {
            ...(d.kind === 'local' ? { maxAttempts: 2 } : {}),
            giveUp: () => this.monitor.health(d.name)?.state === 'down',
          },
        });
        return new Repository(wrapped, config.installId, {
          renamesInPlace: d.kind === 'local',
          ...(d.encryption
            ? {
                encryption: {
                  keyId: d.encryption.keyId,
                  unlock: unlockFromCache(keys, d.encryption.keyId, d.name),
                },
              }
            : {}),
        });
      });
    const enabled = config.destinations.filter((d) => d.enabled);
    const offset = opts.utcOffsetMinutes;
    this.facts = new DestinationFactsSource(
      enabled,
      this.monitor,
      priceFromBook(applyOverrides(LIST_PRICES, config.priceOverrides).book),
      this.clock,
      () => this.store.folders.list().map((f) => f.path),
    );
    this.planner = new Planner(
      this.store,
      this.clock,
      new WeddingPolicies(
        this.store,
        this.clock,
        config.policies,
        offset === undefined ? localUtcOffsetMinutes : () => offset,
      ),
      this.facts,
      config.protection.copies,
      this.audit,
    );
    this.failover = new FailoverTracker({
      store: this.store,
      clock: this.clock,
      audit: this.audit,
      coverage: (weddings) => this.coverage(weddings),
      priorityOf: (weddingId) => this.planner.policyOf(weddingId).priority,
      wake: () => this.scheduler.wake(),
      replaces: config.protection.copies === 'policy',
    });
    this.failover.on('recovered', (incident, ms) =>
      this.emit(
        'problem',
        `${incident.destination} failed; every wedding met its target again after ${(ms / 1000).toFixed(1)} s`,
      ),
    );
    this.monitor.on('change', (change, health) => {
      this.failover.onChange(change, health);
      this.emit('health', change.destination);
      this.notices.destinationHealth(health);
      this.audit.record({
        kind: 'destination-state',
        destination: change.destination,
        subject: change.to,
        detail: { from: change.from, reason: change.reason },
      });
      if (change.to === 'down') this.emit('problem', `${change.destination} is down: ${change.reason}`);
    });
    hashPool.retain();
    this.intake = new Intake(
      this.store,
      this.clock,
      opts.snapshotDelayMs ?? 30_000,
      (weddingId) => this.planner.policyOf(weddingId).priority,
      config.capture.dayBoundaryHour,
    );
    this.scheduler = new Scheduler(
      this.store,
      this.clock,
      {
        upload: (job) => this.runUpload(job),
        snapshot: (job) => this.runSnapshot(job),
        'device-index': (job) => this.runDeviceIndex(job),
      },
      {
        concurrency: config.transfer.concurrency,
        // Dropped only once the job has left the queue, so the pending bytes never count it twice.
        onSettled: (job) => this.readInFlight.delete(job.id),
      },
    );
  }

  /** Opens the engine on a home that has a config (`keepsake init` makes one). */
  static open(opts: EngineOptions): Engine {
    const config = loadConfig(opts.home);
    if (!config) throw new ConfigError(`No Keepsake config in ${opts.home}: run \`keepsake init\` first.`);
    return new Engine(opts.home, config, opts);
  }

  /** Bytes still to back up: the queued files, less what uploads in flight have already read of them. */
  pendingBytes(): number {
    let inFlight = 0;
    for (const n of this.readInFlight.values()) inFlight += n;
    return Math.max(0, this.store.status.pendingBytes() - inFlight);
  }

  /** The queue's jobs by state and the bytes still to back up (the UI's queue card). */
  queueReport(): { queued: number; running: number; retrying: number; pendingBytes: number } {
    return { ...this.store.queue.counts(), pendingBytes: this.pendingBytes() };
  }

  /** Bytes read so far of each upload in flight (by job id), capped at the file's size. */
  private readonly readInFlight = new Map<number, number>();

  /**
   * Copies a file needs, as one number for summaries: the configured number, every enabled
   * destination, or under policies the standard policy's (each wedding's own is in its status).
   */
  get target(): number {
    const c = this.config.protection.copies;
    if (c === 'policy') return this.config.policies.standard.copies;
    return c === 'all' ? Math.max(1, this.repos.length) : c;
  }

  /** How many of each wedding's files meet its policy now (only `weddings` when given). */
  coverage(weddings?: readonly (number | null)[]): Map<number | null, WeddingCoverage> {
    return weddingCoverage(this.store, this.planner, this.facts, weddings, {
      laptopCounts: this.config.protection.laptopCounts,
    });
  }

  /**
   * Takes the home's lock and gets ready to work: jobs left running by a crash are queued again,
   * watched folders are synced from the config, repositories are checked and their leftover staging
   * uploads removed. An unreachable destination is reported, not fatal: its jobs wait for it.
   */
  prepare(): Promise<void> {
    this.preparing ??= this.prepareOnce().catch((err: unknown) => {
      this.preparing = undefined;
      throw err;
    });
    return this.preparing;
  }

  private preparing: Promise<void> | undefined;

  private async prepareOnce(): Promise<void> {
    this.releaseLock ??= await acquireLock(lockFile(this.home));
    const now = this.clock.now();
    this.store.queue.releaseAll(now);
    this.store.uploads.expire(now - UPLOAD_RESUME_MS);
    this.syncFolders();
    // Weddings added or re-dated by another process, or a moved day boundary: loose imports follow.
    this.intake.regroup();
    await this.facts.refresh();
    await Promise.all(
      this.repos.map(async (repo) => {
        try {
          await repo.open();
          await repo.cleanStaging(this.store.uploads.stagingKeys(repo.name));
          await abortAbandonedUploads(this.raw.get(repo.name)!, UPLOAD_RESUME_MS, now);
        } catch (err) {
          this.emit('problem', (err as Error).message);
        }
      }),
    );
    // Copies stored but not yet named in a manifest (a crash before the snapshot was written): their
    // snapshots are written first thing, or nothing could restore them by name.
    for (const w of this.store.snapshots.weddingsAwaitingManifest())
      this.store.queue.enqueue('snapshot', w === null ? 'unassigned' : String(w), now, { priority: -100 });
    // Files not protected yet, and protected ones whose copies no longer meet their policy (a destination
    // removed or down, a target raised), are queued.
    this.store.tx(() => {
      const below = protectedBelowTarget(this.store, this.planner, this.facts);
      for (const f of [...this.store.files.unfinished(), ...below]) {
        this.store.queue.enqueue('upload', String(f.id), now, {
          priority: this.planner.policyOf(f.weddingId).priority,
        });
      }
    });
  }

  private syncFolders(): void {
    const now = this.clock.now();
    const wanted = new Map(this.config.folders.map((f) => [resolve(f.path), f.kind]));
    for (const f of this.store.folders.list()) if (!wanted.has(f.path)) this.store.folders.remove(f.path);
    for (const [path, kind] of wanted) this.store.folders.add(path, kind, now);
  }

  /** The start-up reconcile scan of every watched folder. */
  async scan(opts: { signal?: AbortSignal; onFile?: (n: number) => void } = {}): Promise<ReconcileResult> {
    const result = await reconcile(this.store, this.intake, opts);
    this.scheduler.wake();
    return result;
  }

  /** `backup --once`: scan, back up everything pending, write snapshots; returns the status after. */
  async backupOnce(signal?: AbortSignal): Promise<StatusReport> {
    await this.prepare();
    await this.scan(signal ? { signal } : {});
    // What the scan found is committed before any upload: a database that cannot grow stops here.
    this.store.flush();
    await this.scheduler.drain(5000, signal);
    // Snapshots of weddings touched in this run are written now rather than after the usual delay.
    this.store.queue.dueNow('snapshot', this.clock.now());
    await this.scheduler.drain(0, signal);
    // Then this device's index on the destinations that got new snapshots: once, with all of them.
    this.store.queue.dueNow('device-index', this.clock.now());
    await this.scheduler.drain(0, signal);
    this.flushProtectionReports();
    return this.status();
  }

  /** True while `run` is active (the API and verify use its scheduler instead of draining their own). */
  private running = false;

  /** Pauses or resumes uploads (in-flight ones finish). */
  setPaused(paused: boolean): void {
    this.scheduler.setPaused(paused);
  }

  /** Looks at the queue again now: work was queued outside the scheduler (a wedding's settings changed). */
  wake(): void {
    this.scheduler.wake();
  }

  /** "Protect now": rescans every folder at once and wakes the scheduler. */
  async backupNow(): Promise<{ queued: number }> {
    const r = await this.scan();
    return { queued: r.queued };
  }

  /** Watches and backs up until `signal` aborts; in-flight work finishes before it resolves. */
  async run(signal: AbortSignal, onReady?: () => void): Promise<void> {
    await this.prepare();
    this.running = true;
    signal.addEventListener('abort', () => (this.running = false), { once: true });
    const watcher = new FolderWatcher([], { stableMs: this.config.watch.stableMs, clock: this.clock });
    watcher.on('file', (f) => void this.intake.seen(f).then((queued) => queued && this.scheduler.wake()));
    watcher.on('removed', (r) => this.intake.removed(r.path, r.folder));
    watcher.on('error', (e) => {
      this.intake.problem(e.path, e.message);
      this.emit('problem', `${e.path}: ${e.message}`);
    });
    for (const f of this.store.folders.list()) await watcher.addRoot(f.path);
    const scheduling = this.scheduler.run(signal);
    const monitoring = this.monitor.run(signal);
    const notifying = this.notices.run(signal);
    await this.scan({ signal }).catch((err: unknown) => {
      if (!signal.aborted) this.emit('problem', `scan failed: ${(err as Error).message}`);
    });
    onReady?.();
    await scheduling;
    await Promise.all([monitoring, notifying, watcher.close()]);
    await this.writePendingManifests();
  }

  /**
   * On a clean stop: the manifests of weddings whose stored copies no manifest names yet are written
   * now, not after the usual delay, so what was copied can be restored by name. Bounded: a destination
   * that does not answer within 20 s keeps its manifest for the next start.
   */
  private async writePendingManifests(): Promise<void> {
    const weddings = this.store.snapshots.weddingsAwaitingManifest();
    if (weddings.length === 0) return;
    const timeout = new AbortController();
    const writing = (async () => {
      for (const w of weddings) {
        const { written, errors } = await writeSnapshots(
          { store: this.store, clock: this.clock, repos: this.repos, deviceName: this.device.name },
          w,
        );
        for (const x of written) this.emit('snapshot', x);
        this.queueDeviceIndexes(written);
        for (const e of errors) this.emit('problem', `snapshot not written yet: ${e.message}`);
        if (errors.length === 0) this.store.queue.remove('snapshot', w === null ? 'unassigned' : String(w));
      }
    })();
    await Promise.race([writing, this.clock.sleep(20_000, timeout.signal).catch(() => undefined)]).finally(
      () => timeout.abort(),
    );
  }

  private async runUpload(job: Job): Promise<JobResult> {
    const file = this.store.files.byId(Number(job.subject));
    if (!file || file.state === 'deleted') return { ok: true };
    // A problem the scan recorded in the index (an unreadable folder, a name that is not UTF-8) has no
    // stat and no file to send; trying would mark it deleted and hide the problem. The next scan decides.
    if (file.state === 'failed' && file.ino === '') return { ok: true };
    this.readInFlight.set(job.id, 0);
    const outcome = await backupFile(
      {
        store: this.store,
        clock: this.clock,
        repos: this.repos,
        plan: (hash, size) => this.planner.plan(file.weddingId, hash, size).send,
        admit: (destination) => this.writeBackoff.admit(destination),
        coverage: (hash) => {
          // Records where the content now is and why (placement prefers the copies it has).
          this.planner.plan(file.weddingId, hash, file.size);
          return this.planner.coverage(file.weddingId, hash);
        },
        onRead: (n) => {
          this.readInFlight.set(job.id, Math.min(file.size, (this.readInFlight.get(job.id) ?? 0) + n));
          this.emit('read', n);
        },
      },
      file,
    );
    this.failover.check();
    this.emit('file', file.path, outcome);
    const now = this.clock.now();
    switch (outcome.kind) {
      case 'protected':
        this.store.files.setState(file.id, 'protected', null, now);
        this.snapshotAfterUpload(job, file.weddingId, now);
        this.audit.record({
          kind: 'backup',
          weddingId: file.weddingId,
          subject: file.relPath,
          detail: { path: file.path, size: file.size },
        });
        this.reportProtection(file.weddingId);
        return { ok: true };
      case 'vanished':
        return { ok: true };
      case 'skipped':
        this.store.files.setState(file.id, 'skipped', outcome.reason, now);
        return { ok: true };
      case 'changed':
        return {
          ok: false,
          error: 'the file changed while it was read; trying again',
          retryInMs: this.config.watch.stableMs,
        };
      case 'unreadable':
        this.store.files.setState(file.id, 'failed', outcome.reason, now);
        return { ok: false, error: outcome.reason, retryInMs: retryDelay(job.attempts, 60_000) };
      case 'incomplete': {
        this.reportProtection(file.weddingId);
        const message = outcome.errors.map((e) => e.message).join('; ');
        const paused = outcome.errors.filter((e) => e instanceof PausedError);
        const onlyPaused = paused.length === outcome.errors.length;
        const waiting = outcome.errors.every((e) => ['unavailable', 'full'].includes(errorKind(e)));
        // Waiting for a destination that is unreachable, full or paused is not a failure of the file.
        this.store.files.setState(
          file.id,
          job.attempts >= 2 && !waiting ? 'failed' : 'pending',
          message,
          now,
        );
        // The copies it has are named in a snapshot, so they can be restored meanwhile.
        if (this.copiesOf(this.store.files.byId(file.id)?.hash ?? null) > 0)
          this.snapshotAfterUpload(job, file.weddingId, now);
        if (onlyPaused) {
          // Not read again until the destination's next trial (or sooner, once it takes writes again).
          const at = Math.min(...paused.map((e) => e.retryAt));
          return { ok: false, error: message, retryInMs: Math.max(1000, at - now) };
        }
        // An upload in flight on a destination that went down is placed elsewhere at once (failover).
        const targets = () =>
          this.planner.plan(file.weddingId, null, file.size).placement.targets.map((t) => t.destination);
        const retryInMs =
          this.failover.retryInMs(outcome.errors, targets) ??
          retryDelay(job.attempts, waiting ? 30_000 : 15_000);
        return { ok: false, error: message, retryInMs };
      }
    }
  }

  /** Queues the wedding's snapshot after an upload: at once when it was the last one under way. */
  private snapshotAfterUpload(job: Job, weddingId: number | null, now: number): void {
    this.intake.snapshotSoon(weddingId, { now: !this.store.queue.uploadsUnderWay(job.id, now) });
  }

  /** Weddings whose protection changed since the notification center last heard of them. */
  private readonly protectionChanged = new Set<number | null>();
  /**
   * Counting a wedding's files costs a scan of the wedding: done for a burst of finished files at
   * once (at most a twentieth of the engine's time), not once per file, which was quadratic.
   */
  private readonly protectionReports = new Coalesced(async () => this.flushProtectionReports(), {
    delayMs: 1000,
    busyShare: 0.05,
  });

  /** Tells the notification center, soon, how far a wedding is from its copy target. */
  private reportProtection(weddingId: number | null): void {
    this.protectionChanged.add(weddingId);
    this.protectionReports.signal();
  }

  private flushProtectionReports(): void {
    const weddings = [...this.protectionChanged];
    this.protectionChanged.clear();
    for (const weddingId of weddings) {
      const c = this.store.status.forWedding(weddingId);
      if (c.files === 0) continue;
      const name =
        weddingId === null
          ? 'Unassigned files'
          : (this.store.weddings.byId(weddingId)?.couple ?? 'a wedding');
      const files = c.files - c.skipped;
      this.notices.weddingProtection({
        weddingId,
        name,
        files,
        belowTarget: files - c.protected,
        target: this.planner.policyOf(weddingId).copies,
      });
    }
  }

  private async runSnapshot(job: Job): Promise<JobResult> {
    const weddingId = job.subject === 'unassigned' ? null : Number(job.subject);
    const { written, errors } = await writeSnapshots(
      { store: this.store, clock: this.clock, repos: this.repos, deviceName: this.device.name },
      weddingId,
    );
    for (const w of written) this.emit('snapshot', w);
    this.queueDeviceIndexes(written);
    // A wedding is only back at target once its manifests name the copies: an incident closes here.
    if (written.length > 0) {
      this.failover.check();
      this.reportProtection(weddingId);
    }
    if (errors.length === 0) return { ok: true };
    return { ok: false, error: errors.map((e) => e.message).join('; '), retryInMs: retryDelay(job.attempts) };
  }

  /**
   * The destinations that got new manifests get this device's index again, a little later so that
   * a burst of snapshots (a card of many weddings) rewrites it once.
   */
  private queueDeviceIndexes(written: string[]): void {
    const now = this.clock.now();
    for (const name of new Set(written.map((w) => w.slice(0, w.indexOf(':')))))
      this.store.queue.enqueue('device-index', name, now, { runAfter: now + DEVICE_INDEX_DELAY_MS });
  }

  /** Writes this device's index (the studio view's summary, a cache of the manifests) to one destination. */
  private async runDeviceIndex(job: Job): Promise<JobResult> {
    const repo = this.repos.find((r) => r.name === job.subject);
    if (!repo) return { ok: true };
    try {
      await repo.writeDeviceIndex(deviceIndexFor(this.store, repo, this.device, this.clock));
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message, retryInMs: retryDelay(job.attempts) };
    }
  }

  private copiesOf(hash: string | null): number {
    if (!hash) return 0;
    const enabled = new Set(this.repos.map((r) => r.name));
    return this.store.objects.storedAt(hash).filter((d) => enabled.has(d)).length;
  }

  /**
   * What each wedding holds and how it is kept (`keepsake analyze`): from the index and the status,
   * no file is read. `slug` picks one wedding; unassigned files are analyzed as their own group.
   */
  async analysis(slug?: string): Promise<WeddingAnalysis[]> {
    const report = await this.status();
    const rows = [...report.weddings, ...(report.unassigned ? [report.unassigned] : [])];
    const picked = slug === undefined ? rows : rows.filter((w) => w.wedding?.slug === slug);
    if (slug !== undefined && picked.length === 0)
      throw new UnknownWeddingError(
        `No wedding "${slug}" here: \`keepsake weddings\` lists them (use the slug, e.g. 2026-06-14-smith-jones).`,
      );
    const encrypted = new Set(this.config.destinations.filter((d) => d.encryption).map((d) => d.name));
    return picked.map((w) => analyzeWedding(this.store, w, encrypted, this.clock.now()));
  }

  /** The cost optimizer's plan (`keepsake optimize`): colder classes for quiet weddings, priced. */
  async optimizationPlan(): Promise<OptimizationPlan> {
    const report = await this.status();
    const analyses = await this.analysis();
    const temperature = new Map(analyses.map((a) => [a.weddingId, a.access.temperature]));
    const rows = [...report.weddings, ...(report.unassigned ? [report.unassigned] : [])];
    const weddings = rows.map((w) => ({
      weddingId: w.wedding?.id ?? null,
      label: w.wedding ? `${w.wedding.date ?? '????-??-??'} ${w.wedding.couple}` : 'Unassigned files',
      policy: w.policy?.name ?? null,
      belowTarget: w.belowTarget ?? 0,
      temperature: temperature.get(w.wedding?.id ?? null) ?? 'hot',
    }));
    return optimizationReport(this.store, this.config, weddings, this.clock.now());
  }

  /**
   * Carries out the optimizer's plan as it stands now (weddings in their critical window or below
   * target are never in it): class changes on the servers, checked, recorded, audited.
   */
  async applyOptimization(
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ plan: OptimizationPlan; applied: AppliedMove[] }> {
    const plan = await this.optimizationPlan();
    const configured = new Map(this.config.destinations.map((d) => [d.name, costTarget(d).storageClass]));
    const applied = await applyPlan(
      plan,
      {
        store: this.store,
        repos: this.repos,
        audit: this.audit,
        clock: this.clock,
        configuredClass: (d) => configured.get(d) ?? '',
      },
      (done, total) => {
        onProgress?.(done, total);
        this.emit('optimize', done, total);
      },
    );
    return { plan, applied };
  }

  /** The photographer opened a wedding's screen: its temperature counts that. */
  weddingOpened(weddingId: number): void {
    this.store.analysis.opened(weddingId, this.clock.now());
  }

  /** Per-wedding protection, destinations and problems. Checks each destination's reachability. */
  async status(): Promise<StatusReport> {
    // A one-off status (no `run`) learns the disks first: which vaults share the photos' disk.
    if (!this.running) await this.facts.refresh();
    const counts = this.store.status.perWedding();
    const copies = this.store.status.copies();
    const restorable = this.store.status.restorableCopies();
    const awaiting = this.store.status.awaitingManifest();
    const coverage = this.coverage();
    const perDestination = (rows: typeof copies, weddingId: number | null) => {
      const out: Record<string, number> = {};
      for (const r of this.repos) out[r.name] = 0;
      for (const x of rows)
        if (x.weddingId === weddingId && x.destination in out) out[x.destination] = x.files;
      return out;
    };
    const toStatus = (weddingId: number | null): WeddingStatus => {
      const policy = this.planner.policyOf(weddingId);
      const c = counts.find((x) => x.weddingId === weddingId);
      const cov = coverage.get(weddingId);
      return {
        wedding: weddingId === null ? null : (this.store.weddings.byId(weddingId) ?? null),
        files: c?.files ?? 0,
        bytes: c?.bytes ?? 0,
        // Protected: restorable from enough places, one of them off the laptop (see coverage.ts).
        protected: cov?.met ?? 0,
        pending: c?.pending ?? 0,
        failed: c?.failed ?? 0,
        skipped: c?.skipped ?? 0,
        copies: perDestination(copies, weddingId),
        restorable: perDestination(restorable, weddingId),
        policy: { name: policy.name, copies: policy.copies, residency: policy.residency, why: policy.why },
        belowTarget: cov?.below ?? 0,
        laptopOnly: cov?.laptopOnly ?? 0,
        awaitingManifest: awaiting.find((a) => a.weddingId === weddingId)?.files ?? 0,
        shortfall: this.store.placements.shortfallOf(weddingId),
      };
    };
    const weddings = this.store.weddings.list().map((w) => toStatus(w.id));
    const unassigned = counts.some((c) => c.weddingId === null) ? toStatus(null) : null;
    const onLaptop = new Set(
      this.facts
        .facts(new Set())
        .filter((f) => f.local)
        .map((f) => f.name),
    );
    const destinations = await Promise.all(
      this.config.destinations.map(async (d) => {
        const repo = this.repos.find((r) => r.name === d.name);
        let problem: string | null = d.enabled ? null : 'disabled';
        const h = this.running ? this.monitor.health(d.name) : undefined;
        if (h) problem = h.state === 'healthy' ? null : h.reason;
        else if (repo) {
          // The timeout's timer is cancelled once the check answers, or it keeps the process alive 10 s.
          const timeout = new AbortController();
          problem = await Promise.race([
            repo.check().then(
              () => null,
              (err: unknown) => (err as Error).message,
            ),
            this.clock.sleep(10_000, timeout.signal).then(
              () => `${d.name}: not answering`,
              () => null,
            ),
          ]).finally(() => timeout.abort());
        }
        return {
          name: d.name,
          kind: d.kind,
          location: describeLocation(d),
          enabled: d.enabled,
          reachable: h ? h.state !== 'down' : problem === null,
          problem,
          objects: this.store.objects.storedCount(d.name),
          health: h ? h.state : ('unknown' as const),
          since: h ? isoAt(h.since) : null,
          onLaptop: !this.config.protection.laptopCounts && onLaptop.has(d.name),
        };
      }),
    );
    const folders = await this.folderStatus();
    const all = [...weddings, ...(unassigned ? [unassigned] : [])];
    const warnings = this.statusWarnings(all, folders);
    // A wedding's files are only findable by path through its snapshot: one that could not be written
    // leaves that destination unable to restore on its own.
    const snapshotFailures = this.store.queue.failures(100).filter((f) => f.kind === 'snapshot');
    for (const f of snapshotFailures)
      warnings.push(`A snapshot could not be written yet (will retry): ${f.error}`);
    const allProtected =
      snapshotFailures.length === 0 &&
      folders.every((f) => f.available) &&
      all.every((w) => w.protected === w.files - w.skipped && (w.belowTarget ?? 0) === 0);
    if (allProtected && all.some((w) => w.files > 0))
      this.store.meta.set('protected_as_of', String(this.clock.now()));
    const asOf = this.store.meta.get('protected_as_of');
    return {
      home: this.home,
      target: this.target,
      weddings,
      unassigned,
      destinations,
      queue: this.store.queue.counts(),
      problems: this.store.status.problems(),
      warnings,
      allProtected,
      folders,
      protectedAsOf: asOf === undefined ? null : isoAt(Number(asOf)),
      laptopCounts: this.config.protection.laptopCounts,
      mode: this.config.protection.copies,
      failovers: this.failoverSummaries(),
    };
  }

  /** Each watched folder and whether it can be read now: a missing or unreadable one backs nothing up. */
  private async folderStatus(): Promise<FolderStatus[]> {
    // From the config (what the user watches), also before the first scan has indexed them.
    return Promise.all(
      this.config.folders.map(async (f) => {
        const path = resolve(f.path);
        const problem = await folderProblem(path);
        return { path, kind: f.kind, available: problem === null, problem };
      }),
    );
  }

  /** Plain-language warnings: too few places, copies only on the laptop, folders that cannot be read. */
  private statusWarnings(all: WeddingStatus[], folders: FolderStatus[]): string[] {
    const warnings: string[] = [];
    for (const f of folders) if (f.problem) warnings.push(f.problem);
    if (this.repos.length === 0)
      warnings.push(
        'No destination is configured: nothing is being backed up. Add one with `keepsake destinations add`.',
      );
    else if (this.repos.length === 1) {
      warnings.push(
        'Only one backup destination: add a second (an external drive, a NAS or a cloud) so every file is in two places.',
      );
    }
    const laptopOnly = all.reduce((n, w) => n + (w.laptopOnly ?? 0), 0);
    if (laptopOnly > 0 && !this.config.protection.laptopCounts) {
      const copies = Math.max(
        ...all.map((w) => Object.values(w.restorable ?? {}).filter((n) => n > 0).length),
      );
      warnings.push(
        `${laptopOnly} ${laptopOnly === 1 ? 'file has' : 'files have'} ${copies === 1 ? '1 copy' : `${copies} copies`}, ` +
          "on this laptop's disk: not yet safe from a lost or broken laptop. Add an external drive, a NAS or a cloud " +
          'as a destination.',
      );
    }
    const awaiting = all.reduce((n, w) => n + (w.awaitingManifest ?? 0), 0);
    if (awaiting > 0)
      warnings.push(
        `${awaiting} ${awaiting === 1 ? 'file is' : 'files are'} copied but not yet in a snapshot: not restorable by name until it is written (within a minute).`,
      );
    for (const w of all)
      if (w.shortfall)
        warnings.push(`${w.wedding?.couple ?? 'Unassigned files'} cannot meet its policy: ${w.shortfall}`);
    if (this.config.protection.copies !== 'policy' && this.target > this.repos.length) {
      warnings.push(
        `The protection target is ${this.target} ${this.target === 1 ? 'copy' : 'copies'} but only ${this.repos.length} destination(s) are enabled.`,
      );
    }
    return warnings;
  }

  /** The recent failover incidents with their recovery times, for status. */
  private failoverSummaries(): FailoverSummary[] {
    const name = (id: number | null) =>
      id === null ? 'Unassigned files' : (this.store.weddings.byId(id)?.couple ?? `wedding ${id}`);
    return this.store.failovers.recent(10).map((f) => ({
      destination: f.destination,
      reason: f.reason,
      failedAt: isoAt(f.failedAt),
      downAt: isoAt(f.downAt),
      backAt: f.backAt === null ? null : isoAt(f.backAt),
      recoveredAt: f.recoveredAt === null ? null : isoAt(f.recoveredAt),
      recoveryMs: f.recoveredAt === null ? null : f.recoveredAt - f.failedAt,
      weddings: f.weddings.map(name),
    }));
  }

  /** Scrub: re-reads stored copies and queues repairs. */
  async verify(
    opts: { percent?: number; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<VerifyResult> {
    await this.prepare();
    const result = await verifyReplicas(
      { store: this.store, clock: this.clock, repos: this.repos, deviceName: this.device.name },
      opts,
    );
    this.notices.verifyFinished(
      result,
      this.repos.map((r) => r.name),
    );
    this.audit.record({
      kind: 'verify',
      subject: `${result.checked} copies checked`,
      detail: {
        ok: result.ok,
        missing: result.missing.length,
        corrupt: result.corrupt.length,
        requeued: result.requeued,
      },
    });
    if (result.requeued > 0 && !this.running) await this.scheduler.drain(5000);
    else this.scheduler.wake();
    return result;
  }

  /** Restores from the configured destinations (or the named one first). */
  async restore(req: Omit<RestoreRequest, 'repos'> & { from?: string }): Promise<RestoreResult> {
    const caller = req.onProgress;
    req = {
      ...req,
      onProgress: (p) => {
        caller?.(p);
        this.emit('restore', p);
      },
    };
    let result: RestoreResult;
    if (!req.from) result = await restore({ ...req, repos: this.repos });
    else {
      const first = this.repos.find((r) => r.name === req.from);
      if (!first) throw new ConfigError(`No enabled destination named "${req.from}".`);
      // The snapshot comes from the named destination; objects it lacks may still come from the others.
      result = await restore({
        ...req,
        repos: [first, ...this.repos.filter((r) => r !== first)],
        snapshotSources: [first],
      });
    }
    this.audit.record({
      kind: 'restore',
      weddingId: this.store.weddings.bySlug(req.wedding)?.id ?? null,
      destination: result.from,
      subject: `${result.restored} file(s) to ${req.target}`,
      detail: {
        snapshot: result.snapshot.id,
        bytes: result.bytes,
        failed: result.failed.length,
        refused: result.refused.length,
      },
    });
    return result;
  }

  /**
   * Creates a wedding by hand: its folders (watched as import folders if not already watched) belong
   * to it, and already indexed loose imports of its day join it at once (no file is read again).
   * Returns its id and how many already indexed files it got.
   */
  addWedding(w: { couple: string; date: string | null; folders: string[]; slug: string }): WeddingChange {
    return this.store.tx(() => {
      const wedding = this.store.weddings.create(
        { slugBase: w.slug, couple: w.couple, date: w.date, source: 'user' },
        this.clock.now(),
      );
      const folders = w.folders.map((f) => resolve(f));
      for (const folder of folders) this.store.weddings.addFolder(wedding.id, folder);
      return this.regrouped(wedding.id, this.intake.regroup(folders));
    });
  }

  /**
   * Changes a wedding's couple, date or folders (the given ones replace its folders): files of folders
   * it gained or lost and loose imports of its old and new day are sorted again at once.
   */
  changeWedding(
    id: number,
    change: { couple?: string; date?: string | null; folders?: string[] },
  ): WeddingChange {
    return this.store.tx(() => {
      const before = this.store.weddings.byId(id);
      if (!before) throw new ConfigError(`No wedding with id ${id}: see \`keepsake weddings list\`.`);
      this.store.weddings.update(id, change);
      const folders = change.folders?.map((f) => resolve(f));
      if (folders) this.store.weddings.setFolders(id, folders);
      this.planner.forget(id);
      return this.regrouped(id, this.intake.regroup([...before.folders, ...(folders ?? [])]));
    });
  }

  private regrouped(id: number, r: Regrouped): WeddingChange {
    if (r.moved > 0) this.scheduler.wake();
    return { id, added: r.gained.get(id) ?? 0, moved: r.moved };
  }

  async close(): Promise<void> {
    this.protectionReports.close();
    this.flushProtectionReports();
    await Promise.all(this.repos.map((r) => r.close().catch(() => undefined)));
    this.store.close();
    this.releaseLock?.();
    this.releaseLock = undefined;
    if (!this.poolReleased) {
      this.poolReleased = true;
      await hashPool.release();
    }
  }

  /** Whether close() already let go of the shared hashing worker (close may be called twice). */
  private poolReleased = false;
}
