import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PART_HOST } from './destinations/local/local.js';
import { makeTestHome } from './testing/home.js';

const uuid = () => crypto.randomUUID();

/** The pid of a process that has exited, as one killed mid-backup leaves behind. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('half-written files in a vault at start-up', () => {
  it('removes those a dead process of this computer left, at once, and keeps what may still be written', async () => {
    const h = await makeTestHome({ destinations: ['A'] });
    const tmp = join(h.vaults.A!, '.tmp');
    mkdirSync(tmp, { recursive: true });
    const host = PART_HOST;
    const dead = deadPid();
    const killed = Array.from({ length: 3 }, () => `${host}.${dead}.${uuid()}.part`);
    const mine = `${host}.${process.pid}.${uuid()}.part`; // another engine of this process may be writing it
    const otherLaptop = `studio-mac.${dead}.${uuid()}.part`; // a NAS shared with another computer
    const oldOther = `studio-mac.${dead}.${uuid()}.part`;
    for (const f of [...killed, mine, otherLaptop, oldOther]) writeFileSync(join(tmp, f), 'half');
    const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
    utimesSync(join(tmp, oldOther), twoDaysAgo, twoDaysAgo);

    const engine = h.open();
    try {
      await engine.prepare();
    } finally {
      await engine.close();
    }
    expect(readdirSync(tmp).sort()).toEqual([mine, otherLaptop].sort());
    await h.remove();
  });
});
