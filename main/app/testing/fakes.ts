// Test support: small stand-ins for Electron objects (and only Electron's), recording what the shell
// does to them. Keepsake's own engine and servers are never faked.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { NavigationEvent } from '../security.js';

/** A WebContents: an event emitter that keeps the window-open handler it is given. */
export class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }

  /** Emits a navigation event; returns whether it was stopped. */
  navigate(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    url: string,
    isMainFrame = true,
  ): boolean {
    const e: NavigationEvent = { url, isMainFrame, preventDefault: vi.fn() };
    this.emit(event, e);
    return (e.preventDefault as ReturnType<typeof vi.fn>).mock.calls.length > 0;
  }
}

/** A BrowserWindow: records its options and what is done to it. */
export class FakeWindow extends EventEmitter {
  readonly webContents = new FakeContents();
  readonly loaded: string[] = [];
  visible = false;
  minimized = false;
  destroyed = false;
  focused = 0;
  constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
    super();
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Closes as the user would; returns whether the close was stopped. */
  close(): boolean {
    const e = { preventDefault: vi.fn() };
    this.emit('close', e);
    if (e.preventDefault.mock.calls.length > 0) return true;
    this.destroyed = true;
    this.emit('closed');
    return false;
  }
}
