// The renderer's fences (Electron's security checklist): what a window may load, open, ask for and run.
import type { WebPreferences } from 'electron';

/**
 * The Content-Security-Policy the shell adds to every response, the same strict policy the engine's
 * server sends (main/engine/api/static.ts; a test keeps them equal). Defence in depth: if a response
 * ever lacked the engine's header, the page is still held to it.
 */
export const SHELL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The webPreferences of Keepsake's window: a sandboxed, isolated web page with no Node, every switch explicit. */
export function secureWebPreferences(opts: { preload: string; devTools: boolean }): WebPreferences {
  return {
    preload: opts.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: opts.devTools,
  };
}

/** The origin (`http://127.0.0.1:5123`) of a URL, or null when it has none (bad URL, `file:`, `data:`). */
export function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** True when `url` is on the engine's origin, the only one the window may show. */
export function isEngineUrl(url: string, engineOrigin: string | undefined): boolean {
  return engineOrigin !== undefined && originOf(url) === engineOrigin;
}

/** True for the only links handed to the system browser: http and https (never file:, smb:, custom schemes). */
export function isWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** A navigation the page wants to make, as Electron's navigation events describe it. */
export interface NavigationEvent {
  url: string;
  isMainFrame: boolean;
  preventDefault(): void;
}

/** The parts of a WebContents whose navigation the shell fences in. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    listener: (event: NavigationEvent) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

const guarded = new WeakSet<GuardedContents>();

/**
 * Keeps a WebContents on the engine's origin: navigations and redirects anywhere else are stopped
 * (http/https links go to the system browser instead), new windows are always denied (their http/https
 * links open in the browser), and `<webview>` cannot be attached.
 */
export function guardContents(
  contents: GuardedContents,
  engineOrigin: () => string | undefined,
  openExternal: (url: string) => Promise<void>,
): void {
  // Guarded once, however many ways it is reached (the window itself and app's web-contents-created).
  if (guarded.has(contents)) return;
  guarded.add(contents);
  const toBrowser = (url: string) => {
    if (isWebLink(url) && !isEngineUrl(url, engineOrigin())) void openExternal(url).catch(() => undefined);
  };
  contents.on('will-navigate', (event) => {
    if (isEngineUrl(event.url, engineOrigin())) return;
    event.preventDefault();
    toBrowser(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isEngineUrl(event.url, engineOrigin())) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !isEngineUrl(event.url, engineOrigin())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    toBrowser(url);
    return { action: 'deny' };
  });
}

/** Response headers as Electron's webRequest hands them over and takes them back. */
export type ResponseHeaders = Record<string, string[]>;

/** The parts of a Session the shell locks down. */
export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void;
  setDevicePermissionHandler(handler: (...args: unknown[]) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { url: string; responseHeaders?: ResponseHeaders },
        callback: (response: { responseHeaders?: ResponseHeaders }) => void,
      ) => void,
    ): void;
  };
}

/** `headers` with the shell's CSP added; an existing CSP (the engine's) is kept, so both apply. */
export function withShellCsp(headers: ResponseHeaders | undefined): ResponseHeaders {
  const out: ResponseHeaders = { ...headers };
  const key = Object.keys(out).find((k) => k.toLowerCase() === 'content-security-policy');
  if (key === undefined) out['Content-Security-Policy'] = [SHELL_CSP];
  else out[key] = [...(out[key] ?? []), SHELL_CSP];
  return out;
}

/**
 * Locks a session down: every permission request (camera, notifications, clipboard read, HID, ...)
 * and permission check is refused, and every response carries the shell's CSP as well as the engine's.
 */
export function guardSession(session: GuardedSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withShellCsp(details.responseHeaders) }),
  );
}
