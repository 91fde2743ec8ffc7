import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { configPath, loadConfig } from '../config/config-file.js';
import { databaseFile } from '../config/home.js';
import { addDestination } from '../setup/destinations.js';
import { schemaVersion } from '../store/db.js';
import { runCli } from '../testing/cli.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from '../testing/home.js';
import { listFiles, sha256 } from '../testing/inspect.js';

/** SHA-256 of every file of the database (main file, WAL, shared memory), to prove it was not touched. */
function databaseBytes(home: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const suffix of ['', '-wal', '-shm']) {
    const f = databaseFile(home) + suffix;
    if (existsSync(f)) out[suffix || 'db'] = sha256(readFileSync(f));
  }
  return out;
}

// A hand-broken config or a database from a newer Keepsake: a clear message, exit 2, nothing changed.
describe('broken config and newer database (CLI)', { timeout: 180_000 }, () => {
  let h: TestHome;
  let good: string;

  beforeAll(async () => {
    h = await makeTestHome();
    const dir = await h.wedding('2026-06-14 Smith & Jones');
    await writeFile(join(dir, 'IMG_0001.JPG'), randomBytesFor('cfg', 100_000));
    expect((await withTestEngine(h, (e) => e.backupOnce())).allProtected).toBe(true);
    good = readFileSync(configPath(h.home), 'utf8');
  });
  afterAll(() => h.remove());

  it('a config that is not JSON: the message names the file and the problem; the file is left as it is', async () => {
    const broken = good.replace(/\n}\s*$/, ',\n'); // a trailing comma and no closing brace
    await writeFile(configPath(h.home), broken);
    for (const args of [
      ['backup', '--once'],
      ['folders', 'add', h.root],
    ]) {
      const r = await runCli(h.home, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`keepsake: ${configPath(h.home)} is not valid JSON`);
      expect(r.stderr).toContain('Nothing was changed');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(readFileSync(configPath(h.home), 'utf8')).toBe(broken);
    }
  });

  it('a key of the wrong type: the message names the key and what was expected; the file is left as it is', async () => {
    const config = JSON.parse(good) as {
      transfer: Record<string, unknown>;
      destinations: { path: unknown }[];
    };
    config.transfer.concurrency = 'four';
    config.destinations[1]!.path = 42;
    const wrong = `${JSON.stringify(config, null, 2)}\n`;
    await writeFile(configPath(h.home), wrong);
    const r = await runCli(h.home, ['backup', '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a valid Keepsake config');
    expect(r.stderr).toMatch(/transfer\.concurrency: .*number/i);
    expect(r.stderr).toMatch(/destinations\.1\.path: .*string/i);
    expect(readFileSync(configPath(h.home), 'utf8')).toBe(wrong);
    await writeFile(configPath(h.home), good);
    expect((await withTestEngine(h, (e) => e.status())).allProtected).toBe(true);
  });

  it('a second destination in the folder of the first is refused: one folder is one copy, not two', async () => {
    const before = readFileSync(configPath(h.home), 'utf8');
    const r = await runCli(h.home, ['destinations', 'add', 'local', 'C', h.vaults.A!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`overlaps the folder of destination "A" (${h.vaults.A!})`);
    expect(readFileSync(configPath(h.home), 'utf8')).toBe(before);
    // A folder inside another destination's folder too.
    const inside = { name: 'C', kind: 'local' as const, path: join(h.vaults.B!, 'inside'), enabled: true };
    await expect(addDestination(loadConfig(h.home)!, inside, systemClock)).rejects.toThrow(
      /overlaps the folder of destination "B"/,
    );
  });

  it('a database written by a newer Keepsake is refused and left untouched, and so are the vaults', async () => {
    const db = new Database(databaseFile(h.home));
    db.pragma(`user_version = ${schemaVersion + 1}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = databaseBytes(h.home);
    const vaults = await Promise.all(Object.values(h.vaults).map((v) => listFiles(v)));
    for (const args of [['status'], ['backup', '--once']]) {
      const r = await runCli(h.home, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('was written by a newer version of Keepsake');
      expect(r.stderr).toContain('left untouched');
      expect(databaseBytes(h.home)).toEqual(before);
    }
    expect(await Promise.all(Object.values(h.vaults).map((v) => listFiles(v)))).toEqual(vaults);
    const check = new Database(databaseFile(h.home), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(schemaVersion + 1);
    check.close();
  });
});
