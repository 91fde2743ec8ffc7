import { EventEmitter } from 'node:events';
import { relative, resolve, sep } from 'node:path';
import type { FailoverSummary, StatusReport } from '../../shared/model/status.js';
import type { WeddingStatus } from '../../shared/model/wedding.js';
import { isoAt, localUtcOffsetMinutes, systemClock, type Clock } from './clock.js';
import { ConfigError, loadConfig } from './config/config-file.js';
import { databaseFile, lockFile } from './config/home.js';
import { CredentialStore } from './config/credentials.js';
import { FileKeyCache, type KeyCache } from './config/key-cache.js';
import type { Config } from './config/schema.js';
import { errorKind } from './destinations/errors.js';
import type { Destination } from './destinations/destination.js';
import { createDestination, describeLocation } from './destinations/factory.js';
import { abortAbandonedUploads } from './destinations/maintenance.js';
import { bandwidthLimiterFor } from './destinations/wrap/bandwidth.js';
import { DestinationMetrics, wrapDestination } from './destinations/wrap/index.js';
import { AuditLog } from './audit/audit-log.js';
import { HealthMonitor } from './health/monitor.js';
import { withHealth } from './health/with-health.js';
import { Intake } from './intake/intake.js';
import { NotificationCenter } from './notify/center.js';
import { notifiersFor } from './notify/from-config.js';
import { reconcile, type ReconcileResult } from './intake/reconcile.js';
import { acquireLock } from './lock.js';
import { backupFile, type BackupOutcome } from './pipeline/backup-file.js';
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
import { Store } from './store/store.js';
import { FolderWatcher } from './watch/watcher.js';

/** How long an interrupted upload may be resumed; older ones start over (S3 aborts them after a day too). */
const UPLOAD_RESUME_MS = 24 * 3_600_000;

export interface EngineOptions {
  home: string;
  clock?: Clock;
  /** Wait after the last upload of a wedding before writing its snapshot (default 30 s). */
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
export interface EngineEvents {
  read: [bytes: number];
  file: [path: string, outcome: BackupOutcome];
  snapshot: [written: string];
  problem: [message: string];
  /** A destination's health changed (state or cause). */
  health: [destination: string];
  /** A restore's progress, after each file (for the UI's progress bar and ETA). */
  restore: [progress: RestoreProgress];
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

  private constructor(
    readonly home: string,
    readonly config: Config,
    opts: EngineOptions,
  ) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.store = Store.open(databaseFile(home));
    const credentials = (this.credentials = opts.credentials ?? new CredentialStore(home));
    const keys = opts.keys ?? new FileKeyCache(home);
    this.monitor = new HealthMonitor(this.clock);
    this.audit = new AuditLog(this.store.db, this.clock);
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
        const wrapped = wrapDestination(withHealth(raw, this.monitor, this.clock), {
          clock: this.clock,
          concurrency: Math.max(4, config.transfer.concurrency * 2),
          metrics,
          ...(bandwidth ? { bandwidth } : {}),
          retry: {
            ...(d.kind === 'local' ? { maxAttempts: 2 } : {}),
            giveUp: () => this.monitor.health(d.name)?.state === 'down',
          },
        });
        return new Repository(
          wrapped,
          config.installId,
          d.encryption
            ? {
                encryption: {
                  keyId: d.encryption.keyId,
                  unlock: unlockFromCache(keys, d.encryption.keyId, d.name),
                },
              }
            : {},
        );
      });
    const enabled = config.destinations.filter((d) => d.enabled);
    const offset = opts.utcOffsetMinutes;
    this.facts = new DestinationFactsSource(
      enabled,
      this.monitor,
      priceFromBook(applyOverrides(LIST_PRICES, config.priceOverrides).book),
      this.clock,
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
    this.intake = new Intake(
      this.store,
      this.clock,
      opts.snapshotDelayMs ?? 30_000,
      (weddingId) => this.planner.policyOf(weddingId).priority,
    );
    this.scheduler = new Scheduler(
      this.store,
      this.clock,
      { upload: (job) => this.runUpload(job), snapshot: (job) => this.runSnapshot(job) },
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
    return weddingCoverage(this.store, this.planner, this.facts, weddings);
  }

  /**
   * Takes the home's lock and gets ready to work: jobs left running by a crash are queued again,
   * watched folders are synced from the config, repositories are checked and their leftover staging
   * uploads removed. An unreachable destination is reported, not fatal: its jobs wait for it.
   */
  async prepare(): Promise<void> {
    if (this.releaseLock) return;
    this.releaseLock = acquireLock(lockFile(this.home));
    const now = this.clock.now();
    this.store.queue.releaseAll(now);
    this.store.uploads.expire(now - UPLOAD_RESUME_MS);
    this.syncFolders();
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
    await this.scheduler.drain(5000, signal);
    // Snapshots of weddings touched in this run are written now rather than after the usual delay.
    this.store.db
      .prepare(`UPDATE jobs SET run_after = ? WHERE kind = 'snapshot' AND state = 'queued'`)
      .run(this.clock.now());
    await this.scheduler.drain(0, signal);
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
        this.intake.snapshotSoon(file.weddingId);
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
        this.store.files.setState(file.id, job.attempts >= 2 ? 'failed' : 'pending', message, now);
        if (this.copiesOf(this.store.files.byId(file.id)?.hash ?? null) > 0)
          this.intake.snapshotSoon(file.weddingId);
        const waiting = outcome.errors.every((e) => ['unavailable', 'full'].includes(errorKind(e)));
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

  /** Tells the notification center how far a wedding is from its copy target. */
  private reportProtection(weddingId: number | null): void {
    const c = this.store.status.forWedding(weddingId);
    if (c.files === 0) return;
    const name =
      weddingId === null ? 'Unassigned files' : (this.store.weddings.byId(weddingId)?.couple ?? 'a wedding');
    const files = c.files - c.skipped;
    this.notices.weddingProtection({
      weddingId,
      name,
      files,
      belowTarget: files - c.protected,
      target: this.planner.policyOf(weddingId).copies,
    });
  }

  private async runSnapshot(job: Job): Promise<JobResult> {
    const weddingId = job.subject === 'unassigned' ? null : Number(job.subject);
    const { written, errors } = await writeSnapshots(
      { store: this.store, clock: this.clock, repos: this.repos },
      weddingId,
    );
    for (const w of written) this.emit('snapshot', w);
    if (errors.length === 0) return { ok: true };
    return { ok: false, error: errors.map((e) => e.message).join('; '), retryInMs: retryDelay(job.attempts) };
  }

  private copiesOf(hash: string | null): number {
    if (!hash) return 0;
    const enabled = new Set(this.repos.map((r) => r.name));
    return this.store.objects.storedAt(hash).filter((d) => enabled.has(d)).length;
  }

  /** Per-wedding protection, destinations and problems. Checks each destination's reachability. */
  async status(): Promise<StatusReport> {
    const counts = this.store.status.perWedding();
    const copies = this.store.status.copies();
    const coverage = this.coverage();
    const toStatus = (weddingId: number | null): WeddingStatus => {
      const policy = this.planner.policyOf(weddingId);
      const c = counts.find((x) => x.weddingId === weddingId);
      const perDest: Record<string, number> = {};
      for (const r of this.repos) perDest[r.name] = 0;
      for (const x of copies)
        if (x.weddingId === weddingId && x.destination in perDest) perDest[x.destination] = x.files;
      return {
        wedding: weddingId === null ? null : (this.store.weddings.byId(weddingId) ?? null),
        files: c?.files ?? 0,
        bytes: c?.bytes ?? 0,
        protected: c?.protected ?? 0,
        pending: c?.pending ?? 0,
        failed: c?.failed ?? 0,
        skipped: c?.skipped ?? 0,
        copies: perDest,
        policy: { name: policy.name, copies: policy.copies, residency: policy.residency, why: policy.why },
        belowTarget: coverage.get(weddingId)?.below ?? 0,
        shortfall: this.store.placements.shortfallOf(weddingId),
      };
    };
    const weddings = this.store.weddings.list().map((w) => toStatus(w.id));
    const unassigned = counts.some((c) => c.weddingId === null) ? toStatus(null) : null;
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
            repo.dest.check().then(
              () => null,
              (err: unknown) => (err as Error).message,
            ),
            this.clock.sleep(10_000, timeout.signal).then(
              () => `${d.name}: not answering`,
              () => null,
            ),
          ]).finally(() => timeout.abort());
        }
        const objects = (
          this.store.db
            .prepare(`SELECT count(*) AS n FROM replicas WHERE destination = ? AND state = 'stored'`)
            .get(d.name) as {
            n: number;
          }
        ).n;
        return {
          name: d.name,
          kind: d.kind,
          location: describeLocation(d),
          enabled: d.enabled,
          reachable: h ? h.state !== 'down' : problem === null,
          problem,
          objects,
          health: h ? h.state : ('unknown' as const),
          since: h ? isoAt(h.since) : null,
        };
      }),
    );
    const warnings: string[] = [];
    if (this.repos.length === 0)
      warnings.push(
        'No destination is configured: nothing is being backed up. Add one with `keepsake destinations add`.',
      );
    else if (this.repos.length === 1) {
      warnings.push(
        'Only one backup destination: add a second (an external drive, a NAS or a cloud) so every file is in two places.',
      );
    }
    for (const w of [...weddings, ...(unassigned ? [unassigned] : [])])
      if (w.shortfall)
        warnings.push(`${w.wedding?.couple ?? 'Unassigned files'} cannot meet its policy: ${w.shortfall}`);
    if (this.config.protection.copies !== 'policy' && this.target > this.repos.length) {
      warnings.push(
        `The protection target is ${this.target} copies but only ${this.repos.length} destination(s) are enabled.`,
      );
    }
    // A wedding's files are only findable by path through its snapshot: one that could not be written
    // leaves that destination unable to restore on its own.
    const snapshotFailures = this.store.queue.failures(100).filter((f) => f.kind === 'snapshot');
    for (const f of snapshotFailures)
      warnings.push(`A snapshot could not be written yet (will retry): ${f.error}`);
    const all = [...weddings, ...(unassigned ? [unassigned] : [])];
    return {
      home: this.home,
      target: this.target,
      weddings,
      unassigned,
      destinations,
      queue: this.store.queue.counts(),
      problems: this.store.status.problems(),
      warnings,
      allProtected:
        snapshotFailures.length === 0 &&
        all.every((w) => w.protected === w.files - w.skipped && (w.belowTarget ?? 0) === 0),
      mode: this.config.protection.copies,
      failovers: this.failoverSummaries(),
    };
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
    const result = await verifyReplicas({ store: this.store, clock: this.clock, repos: this.repos }, opts);
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

  /** Creates a wedding by hand: its folders (watched as import folders if not already watched) belong to it. */
  addWedding(w: { couple: string; date: string | null; folders: string[]; slug: string }): number {
    const now = this.clock.now();
    return this.store.tx(() => {
      const wedding = this.store.weddings.create(
        { slugBase: w.slug, couple: w.couple, date: w.date, source: 'user' },
        now,
      );
      for (const folder of w.folders.map((f) => resolve(f))) {
        this.store.weddings.addFolder(wedding.id, folder);
        for (const f of this.store.files.liveUnder(folder)) {
          this.store.files.reassign(f.id, wedding.id, relative(folder, f.path).split(sep).join('/'), now);
          this.store.queue.enqueue('snapshot', String(wedding.id), now, { priority: -100 });
        }
      }
      return wedding.id;
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.repos.map((r) => r.dest.close().catch(() => undefined)));
    this.store.close();
    this.releaseLock?.();
    this.releaseLock = undefined;
  }
}
