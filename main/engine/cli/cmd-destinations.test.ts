import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config-file.js';
import { runCli } from '../testing/cli.js';
import { makeTestHome, type TestHome } from '../testing/home.js';

// `keepsake destinations set`: the facts placement uses (region tags, a folder kept off the laptop).
describe('keepsake destinations set (CLI)', { timeout: 120_000 }, () => {
  let h: TestHome;
  beforeAll(async () => {
    h = await makeTestHome();
  });
  afterAll(() => h.remove());

  it('sets region tags and marks a folder as kept off this computer, and refuses nonsense', async () => {
    const set = await runCli(h.home, ['destinations', 'set', 'A', '--tag', 'eu', '--off-laptop']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('A: region tags EU, kept off this computer');
    expect(loadConfig(h.home)!.destinations.find((d) => d.name === 'A')).toMatchObject({
      tags: ['EU'],
      onLaptop: false,
    });

    const bad = await runCli(h.home, ['destinations', 'set', 'A', '--off-laptop', '--on-laptop']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('not both');
    const unknown = await runCli(h.home, ['destinations', 'set', 'Nope', '--tag', 'EU']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No destination named "Nope"');
    // Nothing changed by the refused commands.
    expect(loadConfig(h.home)!.destinations.find((d) => d.name === 'A')).toMatchObject({
      tags: ['EU'],
      onLaptop: false,
    });
  });
});
