import type { BrowserWindowConstructorOptions, NativeImage } from 'electron';
import { guardContents, secureWebPreferences, type GuardedContents } from './security.js';

/** The parts of an Electron BrowserWindow the shell drives. */
export interface WindowHandle {
  readonly webContents: GuardedContents;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

/** The options of Keepsake's window: sized for the wedding list, hidden until painted, secure webPreferences. */
export function mainWindowOptions(opts: {
  preload: string;
  devTools: boolean;
}): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Keepsake',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences({ preload: opts.preload, devTools: opts.devTools }),
  };
}

export interface MainWindowOptions<W extends WindowHandle = WindowHandle> {
  createWindow(options: BrowserWindowConstructorOptions): W;
  preload: string;
  devTools: boolean;
  /** The window's icon (Linux and Windows; macOS uses the app bundle's). */
  icon?: NativeImage;
  /** The engine's origin, the only one the window may show (undefined while the engine is down). */
  engineOrigin(): string | undefined;
  openExternal(url: string): Promise<void>;
  /** True once the app is quitting: closing the window then really closes it. */
  isQuitting(): boolean;
}

/**
 * Keepsake's one window: created on first use with the secure options and navigation guards, showing
 * the engine's UI; closing it hides it to the tray while the app runs.
 */
export class MainWindow<W extends WindowHandle = WindowHandle> {
  private win: W | undefined;
  private url: string | undefined;

  constructor(private readonly opts: MainWindowOptions<W>) {}

  /** The window, while it exists (for dialogs and the IPC sender check). */
  get handle(): W | undefined {
    return this.win && !this.win.isDestroyed() ? this.win : undefined;
  }

  /** Shows the engine's UI at `url` (after a restart, the new one); creates the window if needed. */
  async load(url: string): Promise<void> {
    this.url = url;
    const win = this.handle;
    if (win) await win.loadURL(url);
  }

  /** Shows and focuses the window, creating it (and loading the UI, once known) if needed. */
  show(): void {
    const existing = this.handle;
    if (existing) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return;
    }
    const win = this.opts.createWindow(mainWindowOptions(this.opts));
    this.win = win;
    guardContents(win.webContents, () => this.opts.engineOrigin(), this.opts.openExternal);
    win.on('close', (event) => {
      if (this.opts.isQuitting()) return;
      event.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      if (this.win === win) this.win = undefined;
    });
    win.once('ready-to-show', () => {
      win.show();
      win.focus();
    });
    if (this.url) void win.loadURL(this.url).catch(() => undefined);
  }

  hide(): void {
    this.handle?.hide();
  }
}
