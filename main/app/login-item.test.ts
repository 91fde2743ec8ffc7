import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { HIDDEN_ARG, launchedHidden, LoginItem, type LoginItemParts } from './login-item.js';

const base = mkdtempSync(join(tmpdir(), 'keepsake-login-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function parts(platform: NodeJS.Platform, over: Partial<LoginItemParts> = {}) {
  let open = false;
  const p = {
    platform,
    executable: '/Applications/Keepsake.app/Contents/MacOS/Keepsake',
    appArgs: [],
    getLoginItemSettings: vi.fn((_o?: { path?: string; args?: string[] }) => ({ openAtLogin: open })),
    setLoginItemSettings: vi.fn((s: { openAtLogin: boolean }) => void (open = s.openAtLogin)),
    autostartDir: join(base, platform, 'autostart'),
    ...over,
  };
  return p;
}

describe('open at login', () => {
  it("macOS: the system's login items", () => {
    const p = parts('darwin');
    const item = new LoginItem(p);
    expect(item.get()).toBe(false);
    item.set(true);
    expect(p.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true });
    expect(item.get()).toBe(true);
  });

  it('Windows: the Run entry starts the app hidden, and is read back with the same arguments', () => {
    const p = parts('win32', {
      executable: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Keepsake\\Keepsake.exe',
    });
    const item = new LoginItem(p);
    item.set(true);
    expect(p.setLoginItemSettings).toHaveBeenCalledWith({
      openAtLogin: true,
      path: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Keepsake\\Keepsake.exe',
      args: [HIDDEN_ARG],
    });
    expect(item.get()).toBe(true);
    expect(p.getLoginItemSettings).toHaveBeenCalledWith({
      path: 'C:\\Users\\Ana\\AppData\\Local\\Programs\\Keepsake\\Keepsake.exe',
      args: [HIDDEN_ARG],
    });
  });

  it('Linux: an XDG autostart entry that starts the app hidden', () => {
    const p = parts('linux', { executable: '/home/ana/Apps/Keepsake 0.1.0.AppImage', appArgs: [] });
    const item = new LoginItem(p);
    expect(item.get()).toBe(false);
    item.set(true);
    const file = join(p.autostartDir, 'keepsake.desktop');
    expect(item.get()).toBe(true);
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=Keepsake\n');
    expect(entry).toContain('Exec="/home/ana/Apps/Keepsake 0.1.0.AppImage" --hidden\n');
    item.set(false);
    expect(existsSync(file)).toBe(false);
    expect(item.get()).toBe(false);
    item.set(false); // already off: nothing to do
    expect(p.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('quotes what the Desktop Entry spec reserves, and passes the app folder when unpackaged', () => {
    const p = parts('linux', { executable: '/opt/my "odd" $app/electron', appArgs: ['/src/keepsake'] });
    new LoginItem(p).set(true);
    expect(readFileSync(join(p.autostartDir, 'keepsake.desktop'), 'utf8')).toContain(
      'Exec="/opt/my \\"odd\\" \\$app/electron" /src/keepsake --hidden\n',
    );
  });

  it('starts hidden when launched at login', () => {
    expect(launchedHidden(['/x/Keepsake', HIDDEN_ARG], 'win32', () => false)).toBe(true);
    expect(launchedHidden(['/x/Keepsake'], 'win32', () => true)).toBe(false);
    expect(launchedHidden(['/x/Keepsake'], 'darwin', () => true)).toBe(true);
    expect(launchedHidden(['/x/Keepsake'], 'darwin', () => false)).toBe(false);
  });
});
