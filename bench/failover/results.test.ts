import { describe, expect, it } from 'vitest';
import type { Sample } from '../cases.js';
import { failoverRun, failoverSection, throughputRatios, throughputRow, type Trigger } from './results.js';
import type { FailoverOutput } from './worker.js';

const corpus = { files: 80, bytes: 2_000_000_000 };
const proc = { seconds: 100, cpuSeconds: 50, peakRssBytes: 300e6, problem: null };
const T = Date.parse('2026-11-28T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function output(o: Partial<FailoverOutput> = {}): FailoverOutput {
  return {
    startedAt: T,
    atTargetAt: T + 80_000,
    setupSeconds: 1,
    bytesRead: 2_000_000_000,
    fileRuns: 80,
    copies: { NAS: 80, S3: 80, Azure: 0 },
    weddings: [{ files: 80, protected: 80, belowTarget: 0, policy: 'critical' }],
    failovers: [],
    requeued: null,
    health: [],
    problems: [],
    problem: null,
    ...o,
  };
}

/** S3 refused 20 s in; first failure 50 ms later, down 1 s after that, every wedding at target at 100 s. */
const trigger: Trigger = { at: T + 20_000, bytesUp: 500_000_000, fraction: 0.25 };
const failed = (weddings: string[], recoveredAt: number) =>
  output({
    atTargetAt: T + 100_000,
    bytesRead: 2_500_000_000,
    copies: { NAS: 80, S3: 20, Azure: 80 },
    requeued: 20,
    failovers: [
      {
        destination: 'S3',
        reason: 'connection refused',
        failedAt: iso(T + 20_050),
        downAt: iso(T + 21_050),
        backAt: null,
        recoveredAt: iso(recoveredAt),
        recoveryMs: recoveredAt - (T + 20_050),
        weddings,
      },
    ],
  });

describe('failoverRun', () => {
  it('derives the backup time, recovery, detection and reads per byte of a failover run', () => {
    const r = failoverRun('failover', proc, failed(['Anna & Ben'], T + 100_000), trigger, corpus);
    expect(r.problem).toBeNull();
    expect(r.backupSeconds).toBe(100);
    expect(r.mbPerSecond).toBe(20);
    expect(r.readPerByte).toBe(1.25);
    expect(r.recoveryMs).toBe(79_950);
    expect(r.wallRecoveryMs).toBe(80_000);
    expect(r.firstFailureMs).toBe(50);
    expect(r.detectionMs).toBe(1_000);
    expect(r.failedAfterSeconds).toBe(20);
    expect(r.disagreement).toBeNull();
  });

  it('explains an incident that listed no wedding and closed at once', () => {
    const r = failoverRun('failover', proc, failed([], T + 20_080), trigger, corpus);
    expect(r.ok).toBe(true);
    expect(r.recoveryMs).toBe(30);
    expect(r.disagreement).toMatch(/no wedding as affected/);
  });

  it('fails a clean run whose placement did not use S3, and one that failed over', () => {
    expect(
      failoverRun('clean', proc, output({ copies: { NAS: 80, S3: 0, Azure: 80 } }), null, corpus).problem,
    ).toMatch(/0 of 80 files on S3/);
    expect(failoverRun('clean', proc, failed(['x'], T + 1), null, corpus).problem).toMatch(
      /failover happened/,
    );
    expect(failoverRun('clean', proc, output(), null, corpus).ok).toBe(true);
  });

  it('fails a failover run without a refusal, without an incident, or with files below target', () => {
    expect(failoverRun('failover', proc, failed(['x'], T + 90_000), null, corpus).problem).toMatch(
      /never received/,
    );
    expect(failoverRun('failover', proc, output(), trigger, corpus).problem).toMatch(/no failover of S3/);
    const below = output({ weddings: [{ files: 80, protected: 79, belowTarget: 1, policy: 'critical' }] });
    expect(failoverRun('failover', proc, below, trigger, corpus).problem).toMatch(/1 file\(s\) below target/);
    expect(failoverRun('failover', { ...proc, problem: 'exit 1' }, null, trigger, corpus).problem).toBe(
      'exit 1',
    );
  });
});

describe('failoverSection', () => {
  it('gives the failover/clean time ratio, or none when a run failed', () => {
    const clean = failoverRun('clean', proc, output(), null, corpus);
    const fail = failoverRun('failover', proc, failed(['x'], T + 100_000), trigger, corpus);
    expect(failoverSection([clean, fail])).toMatchObject({ ratio: 1.25, extraSeconds: 20 });
    const broken = failoverRun('failover', proc, output(), trigger, corpus);
    expect(failoverSection([clean, broken])).toMatchObject({ ratio: null, extraSeconds: null });
  });
});

describe('throughputRatios', () => {
  const sample = (totalSeconds: number, ok = true): Sample => ({
    seconds: totalSeconds,
    syncSeconds: 0,
    totalSeconds,
    exitCode: 0,
    peakRssBytes: null,
    diskReadBytes: 2e9,
    diskWriteBytes: null,
    cpuSeconds: null,
    ok,
    problem: ok ? null : 'exit 1',
  });

  it('compares three destinations with one, and Keepsake with rclone, by time', () => {
    const rows = [
      throughputRow('k', 'keepsake', 1, sample(20), 2e9),
      throughputRow('k', 'keepsake', 3, sample(25), 2e9),
      throughputRow('r', 'rclone', 1, sample(10), 2e9),
      throughputRow('r', 'rclone', 3, sample(30), 2e9),
    ];
    expect(rows[0]!.mbPerSecond).toBe(100);
    expect(rows[0]!.diskReadPerByte).toBe(1);
    const r = throughputRatios(rows);
    expect(r.keepsake3over1).toBeCloseTo(0.8);
    expect(r.rclone3over1).toBeCloseTo(1 / 3);
    expect(r.keepsake3vsRclone3).toBeCloseTo(25 / 30);
    expect(r.keepsake1vsRclone1).toBe(2);
  });

  it('leaves out ratios of failed rows', () => {
    const r = throughputRatios([
      throughputRow('k', 'keepsake', 1, sample(20), 2e9),
      throughputRow('k', 'keepsake', 3, sample(25, false), 2e9),
    ]);
    expect(r.keepsake3over1).toBeNull();
    expect(r.keepsake3vsRclone3).toBeNull();
  });
});
