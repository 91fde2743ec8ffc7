import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderAppIcon } from './app-icon.js';
import { decodePng } from './testing/png-decode.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const require = createRequire(import.meta.url);

/** app-builder-lib (electron-builder's core) when installed; it is not a dependency yet. */
function appBuilderLib(): string | undefined {
  try {
    return require.resolve('app-builder-lib/package.json');
  } catch {
    return undefined;
  }
}

describe('electron-builder.yml', () => {
  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  it('builds a universal dmg, an NSIS installer, an AppImage and a deb', () => {
    expect(config).toMatchObject({
      appId: 'app.keepsake.desktop',
      productName: 'Keepsake',
      mac: { category: 'public.app-category.photography', target: [{ target: 'dmg', arch: ['universal'] }] },
      win: { target: [{ target: 'nsis' }] },
      linux: { category: 'Graphics', target: ['AppImage', 'deb'] },
    });
  });

  it("rebuilds better-sqlite3 for Electron's ABI and keeps it out of the asar", () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
    // What the packaged app loads at run time is in the files list.
    const files = config.files as string[];
    for (const pattern of ['package.json', 'dist/main/**/*.js', 'dist/preload/**/*.js', 'renderer/dist/**'])
      expect(files).toContain(pattern);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/app/main.js');
  });

  it('has its icon: build/icon.png, 1024 px, as app-icon.ts draws it', () => {
    for (const key of ['mac', 'win', 'linux'])
      expect((config[key] as { icon: string }).icon).toBe('build/icon.png');
    const icon = decodePng(readFileSync(join(root, 'build', 'icon.png')));
    expect(icon).toMatchObject({ width: 1024, height: 1024 });
    expect(icon.rgba.equals(Buffer.from(renderAppIcon(1024)))).toBe(true);
  });

  // electron-builder's own schema check, offline (app-builder-lib comes with electron-builder, a devDependency).
  it("passes electron-builder's schema validation", async () => {
    const found = appBuilderLib();
    if (!found) throw new Error('app-builder-lib is not installed: run npm ci');
    const lib = dirname(found);
    const { validateConfiguration } = (await import(join(lib, 'out', 'util', 'config', 'config.js'))) as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = (await import(require.resolve('builder-util', { paths: [lib] }))) as {
      DebugLogger: new (enabled: boolean) => unknown;
    };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });
});
