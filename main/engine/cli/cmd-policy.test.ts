import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config-file.js';
import type { DestinationConfig } from '../config/schema.js';
import { runCli, runCliJson } from '../testing/cli.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from '../testing/home.js';
import type { PolicyListing } from './cmd-policy.js';

const SLUG = '2026-06-14-smith-jones';

// `keepsake policy`, `policy set`, `policy mode` and the policy lines of `keepsake status`, run as a
// user runs them (a real process on a real home), checked against the database and config they leave.
describe('keepsake policy (CLI)', { timeout: 180_000 }, () => {
  let h: TestHome;

  beforeAll(async () => {
    h = await makeTestHome();
    // Two folders on one disk: policies asking for one provider and no copy off the laptop can be met.
    h.configure((c) => ({
      ...c,
      protection: { copies: 'policy', laptopCounts: false },
      policies: {
        ...c.policies,
        critical: { ...c.policies.critical, distinctProviders: 1, offLaptopCopies: 0 },
        standard: { ...c.policies.standard, distinctProviders: 1 },
      },
      destinations: c.destinations.map((d): DestinationConfig =>
        d.name === 'B' ? { ...d, tags: ['EU'] } : d,
      ),
    }));
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    await writeFile(join(dir, 'IMG_0001.JPG'), randomBytesFor('policy-1', 60_000));
    await writeFile(join(dir, 'IMG_0002.JPG'), randomBytesFor('policy-2', 40_000));
    expect((await withTestEngine(h, (e) => e.backupOnce())).allProtected).toBe(true);
  });
  afterAll(() => h.remove());

  it('shows the policies, the mode and each wedding with its policy and why', async () => {
    const { result, json } = await runCliJson<PolicyListing>(h.home, ['policy']);
    expect(result.code).toBe(0);
    expect(json.mode).toBe('policy');
    expect(json.policies.critical).toMatchObject({ daysBefore: 7, daysAfter: 3, copies: 2 });
    expect(json.policies.archive.afterDays).toBe(365);
    expect(json.weddings).toHaveLength(1);
    const w = json.weddings[0]!;
    expect(w.wedding?.slug).toBe(SLUG);
    // Its files came in today: critical whatever the date, and both copies are there.
    expect(w.policy.name).toBe('critical');
    expect(w.policy.why).toContain('files were ingested today');
    expect(w).toMatchObject({ files: 2, belowTarget: 0, shortfall: null });
    expect(w.requiredDestinations.sort()).toEqual(['A', 'B']);

    const text = await runCli(h.home, ['policy']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Protection mode: policy.');
    expect(text.stdout).toMatch(/critical\s+7 days before the wedding to 3 days after/);
    expect(text.stdout).toMatch(/archive\s+delivered weddings, and weddings 365 days old/);
    expect(text.stdout).toContain(`${SLUG} (Smith & Jones): critical, 2 files, all at target`);
    expect(text.stdout).toContain(`why: ${w.policy.why}`);
  });

  it('sets a residency and copies: the new policy, its shortfall, every file queued again, audited', async () => {
    const r = await runCli(h.home, ['policy', 'set', SLUG, '--residency', 'eu', '--copies', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Smith & Jones (2026-06-14-smith-jones) is now critical.');
    expect(r.stdout).toContain('only on destinations tagged EU');
    expect(r.stdout).toContain('settings: copies set to 2, only in EU');
    // Only B carries EU: two copies there cannot be had.
    expect(r.stdout).toMatch(/cannot be met now: .*EU/);
    expect(r.stdout).toContain('2 files queued to be placed under it');
    await withTestEngine(h, async (e) => {
      const id = e.store.weddings.bySlug(SLUG)!.id;
      expect(e.store.weddings.settings(id)).toEqual({
        delivered: false,
        residency: 'EU',
        override: { copies: 2 },
      });
      expect(e.store.queue.counts().queued).toBe(2);
      const audit = e.audit.query({ kinds: ['placement'], weddingId: id, limit: 5 });
      expect(audit[0]?.subject).toBe('policy settings changed: now critical');
      expect(audit[0]?.detail).toMatchObject({ requeued: 2 });
    });

    // The copies on A are outside the wedding's region: status counts both files below target.
    const status = await runCli(h.home, ['status']);
    expect(status.stdout).toMatch(/2026-06-14 Smith & Jones\s+critical\s+2\s.*2 below target/);
    expect(status.stdout).toContain("Each wedding's protection policy sets the copies it needs");
  });

  it('refuses bad settings with a clear message and changes nothing', async () => {
    const before = await withTestEngine(h, async (e) => e.store.weddings.settings(1));
    for (const [args, message] of [
      [['--copies', '11'], '--copies: Too big: expected number to be <=10. Nothing was changed.'],
      [['--copies', 'two'], '--copies: expected a number of copies or "auto", got "two".'],
      [['--delivered', '--not-delivered'], '--delivered and --not-delivered: give one of them.'],
    ] as const) {
      const r = await runCli(h.home, ['policy', 'set', SLUG, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`keepsake: ${message}`);
    }
    const unknown = await runCli(h.home, ['policy', 'set', 'no-such-wedding', '--delivered']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No wedding "no-such-wedding"');
    expect(await withTestEngine(h, async (e) => e.store.weddings.settings(1))).toEqual(before);
  });

  it('goes back to what the dates say, and marks a wedding delivered', async () => {
    const back = await runCliJson<{ settings: unknown; policy: { name: string; residency: string | null } }>(
      h.home,
      ['policy', 'set', SLUG, '--policy', 'auto', '--copies', 'auto', '--no-residency'],
    );
    expect(back.result.code).toBe(0);
    expect(back.json.settings).toEqual({ delivered: false, residency: null, override: null });
    expect(back.json.policy).toMatchObject({ name: 'critical', residency: null });
    const archived = await runCli(h.home, ['policy', 'set', SLUG, '--policy', 'archive', '--delivered']);
    expect(archived.code).toBe(0);
    expect(archived.stdout).toContain('is now archive.');
    expect(archived.stdout).toContain('settings: policy set to archive, delivered');
  });

  it('sets protection.copies in the config file, and refuses a mode that does not exist', async () => {
    const all = await runCli(h.home, ['policy', 'mode', 'all']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Protection mode: all (a copy on every enabled destination)');
    expect(loadConfig(h.home)!.protection.copies).toBe('all');
    const bad = await runCli(h.home, ['policy', 'mode', 'most']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('policy mode: expected "policy", "all" or a number of copies from 1 to 10');
    expect(loadConfig(h.home)!.protection.copies).toBe('all');
    expect((await runCli(h.home, ['policy', 'mode', 'policy'])).code).toBe(0);
    expect(loadConfig(h.home)!.protection.copies).toBe('policy');
  });

  it('status lists failover incidents with their recovery time, newest first', async () => {
    const t = Date.parse('2026-06-14T10:00:00Z');
    await withTestEngine(h, async (e) => {
      const done = e.store.failovers.open('A', t, t + 3_000, 'connection refused');
      e.store.failovers.setWeddings(done.id, [1]);
      e.store.failovers.back('A', t + 60_000);
      e.store.failovers.recovered(done.id, t + 12_500);
      const open = e.store.failovers.open('B', t + 100_000, t + 104_000, 'HTTP 503');
      e.store.failovers.setWeddings(open.id, [1]);
    });
    const r = await runCli(h.home, ['status']);
    const section = r.stdout.slice(r.stdout.indexOf('Failover:'));
    expect(section).toMatch(
      /^Failover:\n {2}B failed at .*\(HTTP 503\): not recovered yet: 1 wedding\(s\) below target/,
    );
    expect(section).toMatch(
      /\n {2}A failed at .*\(connection refused\): every wedding met its target again after 12\.5 s \(Smith & Jones\); back since /,
    );
  });
});
