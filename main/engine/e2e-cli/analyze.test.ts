import { copyFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { WeddingAnalysis } from '../../../shared/model/analysis.js';
import type { StatusReport } from '../../../shared/model/status.js';
import { runCli, runCliJson } from '../testing/cli.js';
import { makeTestHome, type TestHome } from '../testing/home.js';

// Issue 14, the analyzer: per wedding, computed at intake from what is read anyway, shown by
// `keepsake analyze` and in `status --json`.

const fixtures = resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/fixtures/camera');

let h: TestHome | undefined;
afterEach(async () => {
  await h?.remove();
  h = undefined;
});

describe('keepsake analyze (CLI)', { timeout: 120_000 }, () => {
  it('says what a wedding of real camera files holds, and how it is kept', async () => {
    h = await makeTestHome({ destinations: ['A', 'B'] });
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    for (const f of await readdir(fixtures))
      if (f !== 'README.md') await copyFile(join(fixtures, f), join(dir, f));
    expect((await runCli(h.home, ['backup', '--once'])).code).toBe(0);

    const { result, json: a } = await runCliJson<WeddingAnalysis>(h.home, [
      'analyze',
      '--wedding',
      '2026-06-14-smith-jones',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(a.couple).toBe('Smith & Jones');
    expect(a.shot.files).toBe(16);
    expect(a.shot.kinds.filter((k) => k.kind === 'raw')).toHaveLength(6);
    expect(a.shot.cameras.find((c) => c.model === 'Canon EOS M50')?.serial).toBe('613040000565');
    expect(a.shot.megapixels.max).toBe(24);
    expect(a.quality.class).toBe('mixed');
    expect(a.access.temperature).toBe('hot');
    // Two plain vaults: protected off the laptop, but not encrypted.
    expect(a.compliance.level).toBe('standard');
    expect(a.compliance.checks[0]?.met).toBe(true);
    expect(a.compliance.checks[1]?.detail).toBe('not encrypted: A, B');

    const text = await runCli(h.home, ['analyze']);
    expect(text.stdout).toMatch(/Shot: +6 RAW \(/);
    expect(text.stdout).toMatch(/Canon EOS M50 #613040000565 \(1\)/);
    expect(text.stdout).toMatch(/Compliance: +standard/);

    const { json: status } = await runCliJson<StatusReport & { analysis: WeddingAnalysis[] }>(h.home, [
      'status',
    ]);
    expect(status.analysis.map((x) => x.slug)).toEqual(['2026-06-14-smith-jones']);

    // A restore is seen: the analysis says when.
    expect(
      (await runCli(h.home, ['restore', '--wedding', '2026-06-14-smith-jones', '--to', join(h.root, 'out')]))
        .code,
    ).toBe(0);
    const { json: after } = await runCliJson<WeddingAnalysis>(h.home, ['analyze', '--wedding', a.slug!]);
    expect(after.access.lastRestored).not.toBeNull();
  });

  it('an unknown wedding is one sentence saying where to find the slug', async () => {
    h = await makeTestHome({ destinations: ['A'] });
    const r = await runCli(h.home, ['analyze', '--wedding', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'keepsake: No wedding "nope" here: `keepsake weddings` lists them (use the slug, e.g. 2026-06-14-smith-jones).',
    );
  });
});
