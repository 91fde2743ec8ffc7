import { describe, expect, it } from 'vitest';
import { comparisonRatios, CASES, noiseOf, recommend } from './results.js';
import type { SweepRow, SweepSample } from './sweep.js';
import { toCase, type Sample } from '../cases.js';

const MiB = 1024 * 1024;
const DEFAULTS = { partMiB: 8, inFlight: 4 };

const sample = (mbPerSecond: number, cpuPerGb: number | null = 25, ok = true): SweepSample => ({
  seconds: 500 / mbPerSecond,
  mbPerSecond,
  peakRssBytes: 200 * MiB,
  cpuSeconds: 5,
  serverCpuSeconds: 5,
  cpuPerGb,
  failures: 0,
  ok,
  problem: ok ? null : 'exit 1',
  phase: 'round 1',
});

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function row(partMiB: number, inFlight: number, samples: SweepSample[]): SweepRow {
  const ok = samples.filter((s) => s.ok);
  return {
    server: 's3rver',
    partMiB,
    inFlight,
    isDefault: partMiB === DEFAULTS.partMiB && inFlight === DEFAULTS.inFlight,
    samples,
    mbPerSecond: ok.length ? median(ok.map((s) => s.mbPerSecond)) : null,
    cpuPerGb: ok.length ? median(ok.map((s) => s.cpuPerGb ?? 0)) : null,
    peakRssBytes: 200 * MiB,
    bufferBytes: partMiB * MiB * (inFlight + 1),
  };
}

const decide = (rows: SweepRow[]) => recommend(rows, DEFAULTS, noiseOf(rows), 'S3Tuning');

describe('the part-size recommendation', () => {
  it('keeps the default when every difference is within the noise of its own runs', () => {
    const rows = [
      row(8, 4, [sample(30), sample(40), sample(35)]),
      row(16, 2, [sample(42)]),
      row(5, 2, [sample(33)]),
    ];
    expect(noiseOf(rows).mbPerSecond).toBeCloseTo(10 / 35, 5);
    const r = decide(rows);
    expect(r).toMatchObject({ partMiB: 8, inFlight: 4, keepDefault: true });
    expect(r.text).toContain('keep S3Tuning at 8 MiB x 4');
  });

  it('moves to a configuration clearly faster than the best run of the default', () => {
    const rows = [
      row(8, 4, [sample(30), sample(31), sample(30.5)]),
      row(16, 4, [sample(60)]),
      row(16, 2, [sample(58)]),
      row(5, 2, [sample(31)]),
    ];
    const r = decide(rows);
    // Both 16 MiB rows are equally fast and cheap: the one holding less memory per upload wins.
    expect(r).toMatchObject({ partMiB: 16, inFlight: 2, keepDefault: false });
    expect(r.text).toContain('set S3Tuning to 16 MiB x 2');
  });

  it('moves to an equally fast configuration that costs clearly less CPU per GB', () => {
    const rows = [
      row(8, 4, [sample(40, 30), sample(41, 30.5), sample(40.5, 30)]),
      row(16, 2, [sample(41, 20)]),
    ];
    expect(decide(rows)).toMatchObject({ partMiB: 16, inFlight: 2, keepDefault: false });
  });

  it('judges the default by its best run, so one lucky run elsewhere does not move it', () => {
    const rows = [row(8, 4, [sample(30), sample(33), sample(44)]), row(32, 2, [sample(47)])];
    expect(decide(rows).keepDefault).toBe(true);
  });

  it('ignores failed runs, and keeps the default when nothing succeeded', () => {
    expect(decide([row(8, 4, [sample(0, null, false)]), row(16, 2, [sample(0, null, false)])])).toMatchObject(
      {
        partMiB: 8,
        inFlight: 4,
        keepDefault: true,
      },
    );
    const rows = [row(8, 4, [sample(30), sample(0, null, false)]), row(16, 2, [sample(60)])];
    expect(noiseOf(rows).mbPerSecond).toBeNull();
    expect(decide(rows)).toMatchObject({ partMiB: 16, inFlight: 2 });
  });
});

describe('keepsake / rclone ratios', () => {
  const s = (seconds: number, peak: number, ok = true): Sample => ({
    seconds,
    syncSeconds: 0,
    totalSeconds: seconds,
    exitCode: ok ? 0 : 1,
    peakRssBytes: peak,
    diskReadBytes: null,
    diskWriteBytes: null,
    cpuSeconds: null,
    ok,
    problem: ok ? null : 'failed',
  });
  const tree = { bytes: 1e9, files: 10 };

  it('divides process time and peak memory, and gives none for a failed run', () => {
    const cases = [
      toCase(CASES.keepsake, 'keepsake', tree, 'cold', [s(60, 200)]),
      toCase(CASES.keepsakeEncrypted, 'keepsake', tree, 'cold', [s(90, 220, false)]),
      toCase(CASES.rclone, 'rclone', tree, 'cold', [s(20, 100)]),
    ];
    expect(comparisonRatios(cases, CASES)).toEqual({
      keepsakeVsRclone: 3,
      memoryKeepsakeVsRclone: 2,
      encryptedVsRclone: null,
    });
  });
});
