import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CostReport } from '../../../shared/model/cost.js';
import { formatWait, registerCost, renderCost } from '../cli/cmd-cost.js';
import { saveConfig } from '../config/config-file.js';
import { databaseFile } from '../config/home.js';
import { Store } from '../store/store.js';
import { costReport } from './report.js';
import { fillStore, NOW, scenarioConfig } from './testing/scenario.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A Keepsake home with the scenario's config and database. */
function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-cost-home-'));
  dirs.push(dir);
  saveConfig(dir, scenarioConfig());
  const store = Store.open(databaseFile(dir));
  fillStore(store);
  store.close();
  return dir;
}

/** Runs `keepsake <args>` in-process with only the cost command registered; returns what it printed. */
async function run(args: string[]): Promise<string> {
  const program = new Command('keepsake').option('--home <dir>').option('--json').exitOverride();
  registerCost(program);
  let out = '';
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void (out += `${String(s)}\n`));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  await program.parseAsync(['node', 'keepsake', ...args]);
  return out;
}

describe('keepsake cost', () => {
  it('prints the cost by wedding, destination and class, the total, the projection and the baseline', async () => {
    const text = await run(['--home', home(), 'cost']);
    // Smith & Jones: $2.826401 a month; Lee & Park $4.2156; Cruz & Diaz $0.040002; total $7.082003.
    expect(text).toMatch(
      /2026-03-01 Smith & Jones\s+8\s+17\.2 GB\s+\$2\.83\s+\$0\.00\s+\$0\.01\s+\$2\.80\s+\$0\.02/,
    );
    expect(text).toMatch(/2026-02-01 Lee & Park .*\$4\.22/);
    expect(text).toMatch(/2026-05-01 Cruz & Diaz .*\$0\.04/);
    expect(text).toMatch(
      /wasabi\s+Wasabi STANDARD\s+3\s+10\.7 GB\s+\$0\.07\s+\$0\.00\s+\$6\.92\s+\$6\.99\s+\$0\.00, at once/,
    );
    expect(text).toMatch(/glacier\s+Amazon S3 GLACIER .*\$0\.04\s+\$1\.05, 3-5 h/);
    expect(text).toMatch(/vault\s+local disk .*free/);
    expect(text).toMatch(/Google Cloud Storage COLDLINE\s+cold\s+/);
    expect(text).toContain('Total per month: $7.08');
    expect(text).toContain('Next 12 months, if nothing is added or removed: $84.98');
    expect(text).toContain('The same cloud copies all in S3 Standard: $0.78 a month ($9.38 over 12 months)');
    expect(text).toContain('this placement costs $6.30 a month more.');
    expect(text).toMatch(
      /Amazon S3 \(us-east-1\): list prices as of \d{4}-\d{2}-\d{2}, https:\/\/aws\.amazon\.com\/s3\/pricing\//,
    );
    expect(text).toMatch(/Shared files: .*indexed first/);
    expect(text).toMatch(/wasabi: less than the 1 TB/);
    expect(text).toMatch(/2026-05-01 Cruz & Diaz .*\$0\.00\s+-\s+-\s+\$0\.04\s+<\$0\.01/);
  });

  it('prints the report as JSON with --json', async () => {
    const dir = home();
    const json = JSON.parse(await run(['--home', dir, '--json', 'cost'])) as CostReport;
    expect(json.monthlyTotal).toBe(7082003);
    expect(json.currency).toBe('USD');
    expect(json.weddings).toHaveLength(3);
    expect(json.projection.months).toHaveLength(12);
  });

  it('says when there is nothing to show', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keepsake-cost-empty-'));
    dirs.push(dir);
    const store = Store.open(join(dir, 'k.db'));
    try {
      const text = renderCost(costReport(store, { ...scenarioConfig(), destinations: [] }, NOW));
      expect(text).toContain('No weddings yet.');
      expect(text).toContain('No destinations configured.');
      expect(text).toContain('Total per month: $0.00');
    } finally {
      store.close();
    }
  });

  it('describes waits the way a person reads them', () => {
    expect(formatWait({ min: 0, max: 0 })).toBe('at once');
    expect(formatWait({ min: 1, max: 5 })).toBe('1-5 min');
    expect(formatWait({ min: 180, max: 300 })).toBe('3-5 h');
    expect(formatWait({ min: 30, max: 90 })).toBe('30 min-1.5 h');
    expect(formatWait({ min: 0, max: 720 })).toBe('up to 12 h');
  });
});
