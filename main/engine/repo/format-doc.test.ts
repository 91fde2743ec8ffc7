import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveConfig, newConfig } from '../config/config-file.js';
import { systemClock } from '../clock.js';
import { Engine } from '../engine.js';
import { addDestination } from '../setup/destinations.js';
import { addFolder } from '../setup/folders.js';

const docPath = resolve(import.meta.dirname, '../../../docs/FORMAT.md');

/** The shell block of FORMAT.md that restores a whole wedding by hand. */
function handRestoreScript(): string {
  const doc = readFileSync(docPath, 'utf8');
  const at = doc.indexOf('A whole wedding from a local vault');
  const block = /```sh\n([\s\S]*?)```/.exec(doc.slice(at));
  if (at < 0 || !block) throw new Error('FORMAT.md lost its hand-restore script');
  return block[1]!;
}

describe('docs/FORMAT.md', () => {
  it('its hand-restore script (jq, cp, sha256sum only) restores a wedding byte for byte', async () => {
    const base = mkdtempSync(join(tmpdir(), 'keepsake-format-'));
    const lead: Record<string, Buffer> = {
      'RAW/IMG_0001.CR3': randomBytes(300_000),
      'RAW/IMG_0001.xmp': Buffer.from('<x:xmpmeta/>'),
      'JPEG/IMG 0001 (edit).JPG': randomBytes(120_000),
      'Video/Ceremony.MP4': randomBytes(500_000),
    };
    // A second shooter's laptop backs up the same wedding to the same drive, later.
    const second: Record<string, Buffer> = {
      'RAW/IMG_0001.xmp': Buffer.from('<x:xmpmeta edited="yes"/>'),
      'Second/DSC_0001.NEF': randomBytes(200_000),
    };
    for (const [device, files] of [
      ['lead', lead],
      ['second', second],
    ] as const) {
      const home = join(base, device, 'home');
      const wedding = join(base, device, 'Weddings', '2026-06-14 Smith & Jones');
      for (const [p, data] of Object.entries(files)) {
        mkdirSync(join(wedding, p, '..'), { recursive: true });
        writeFileSync(join(wedding, p), data);
      }
      let config = addFolder(newConfig(), join(base, device, 'Weddings'), 'weddings');
      config = await addDestination(
        config,
        { name: 'T7', kind: 'local', path: join(base, 'T7'), enabled: true, onLaptop: false },
        systemClock,
      );
      saveConfig(home, { ...config, deviceName: device });
      const engine = Engine.open({ home });
      try {
        const report = await engine.backupOnce();
        expect(report.allProtected).toBe(true);
      } finally {
        await engine.close();
      }
    }
    const files = { ...lead, ...second };

    const script = handRestoreScript().replace(/^vault=.*$/m, `vault=${JSON.stringify(join(base, 'T7'))}`);
    expect(script).toContain('snapshots/2026-06-14-smith-jones');
    const work = join(base, 'by-hand');
    mkdirSync(work);
    execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: work, stdio: 'pipe' });
    for (const [p, data] of Object.entries(files)) {
      expect(readFileSync(join(work, 'restored', p)).equals(data), p).toBe(true);
    }
    expect(listFilesSync(join(work, 'restored')).length).toBe(Object.keys(files).length);
  });
});

function listFilesSync(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}
