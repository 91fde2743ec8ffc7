import { describe, expect, it, vi } from 'vitest';
import { FakeWindow } from './testing/fakes.js';
import { MainWindow } from './window.js';

const ENGINE = 'http://127.0.0.1:50123';

function mainWindow(opts: { quitting?: () => boolean } = {}) {
  const windows: FakeWindow[] = [];
  const openExternal = vi.fn(async (_url: string) => undefined);
  let origin: string | undefined = ENGINE;
  const win = new MainWindow({
    createWindow: (options) => {
      const w = new FakeWindow(options);
      windows.push(w);
      return w;
    },
    preload: '/app/dist/preload/preload.js',
    devTools: false,
    engineOrigin: () => origin,
    openExternal,
    isQuitting: opts.quitting ?? (() => false),
  });
  return { win, windows, openExternal, setOrigin: (o: string | undefined) => (origin = o) };
}

describe('the main window', () => {
  it('is created with the secure options and the preload script', () => {
    const { win, windows } = mainWindow();
    win.show();
    expect(windows).toHaveLength(1);
    const { webPreferences, show } = windows[0]!.options;
    expect(show).toBe(false); // shown once painted
    expect(webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: false,
    });
  });

  it("guards its navigation to the engine's current origin", () => {
    const { win, windows, openExternal, setOrigin } = mainWindow();
    win.show();
    const contents = windows[0]!.webContents;
    expect(contents.navigate('will-navigate', `${ENGINE}/weddings`)).toBe(false);
    expect(contents.navigate('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(2);
    // After an engine restart on another port, the old origin is foreign.
    setOrigin('http://127.0.0.1:50999');
    expect(contents.navigate('will-navigate', `${ENGINE}/weddings`)).toBe(true);
  });

  it('loads the UI once known, and the new URL after an engine restart', async () => {
    const { win, windows } = mainWindow();
    await win.load(`${ENGINE}/`);
    expect(windows).toHaveLength(0); // not created until shown
    win.show();
    expect(windows[0]!.loaded).toEqual([`${ENGINE}/`]);
    windows[0]!.emit('ready-to-show');
    expect(windows[0]!.visible).toBe(true);
    await win.load('http://127.0.0.1:50999/');
    expect(windows[0]!.loaded).toEqual([`${ENGINE}/`, 'http://127.0.0.1:50999/']);
  });

  it('hides to the tray when closed, and closes for real when the app quits', () => {
    let quitting = false;
    const { win, windows } = mainWindow({ quitting: () => quitting });
    win.show();
    const w = windows[0]!;
    w.emit('ready-to-show');
    expect(w.close()).toBe(true);
    expect(w.visible).toBe(false);
    expect(win.handle).toBe(w);
    // Showing again reuses the same window, restoring it if minimised.
    w.minimized = true;
    win.show();
    expect(windows).toHaveLength(1);
    expect(w.visible).toBe(true);
    expect(w.minimized).toBe(false);
    quitting = true;
    expect(w.close()).toBe(false);
    expect(win.handle).toBeUndefined();
  });
});
