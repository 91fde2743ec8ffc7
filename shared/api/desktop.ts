/**
 * The desktop shell's API, exposed by the preload script as `window.keepsake` (contextBridge). It exists
 * only inside the desktop app: in a browser tab the UI feature-detects it with `desktopApi()` and hides
 * what needs it (folder picker, reveal in Finder/Explorer, open at login).
 */
export interface KeepsakeDesktopApi {
  /** Opens the system folder picker; the chosen absolute path, or null when the user cancelled. */
  pickFolder(): Promise<string | null>;
  /** Shows `path` (absolute) selected in Finder / Explorer / the file manager. */
  revealInFileManager(path: string): Promise<void>;
  /** The desktop app's version, e.g. `0.1.0`. */
  appVersion(): Promise<string>;
  /** Whether Keepsake starts (hidden, in the tray) when the user logs in. */
  getOpenAtLogin(): Promise<boolean>;
  /** Turns starting at login on or off. */
  setOpenAtLogin(open: boolean): Promise<void>;
}

/** The IPC channel of each desktop API method: the preload invokes them, the main process handles them. */
export const DESKTOP_CHANNELS = {
  pickFolder: 'keepsake:pick-folder',
  revealInFileManager: 'keepsake:reveal-in-file-manager',
  appVersion: 'keepsake:app-version',
  getOpenAtLogin: 'keepsake:get-open-at-login',
  setOpenAtLogin: 'keepsake:set-open-at-login',
} as const satisfies Record<keyof KeepsakeDesktopApi, string>;

/** One of the desktop API's IPC channels. */
export type DesktopChannel = (typeof DESKTOP_CHANNELS)[keyof typeof DESKTOP_CHANNELS];

/** The desktop API when the UI runs inside the desktop app, else undefined (a browser tab). */
export function desktopApi(scope: object = globalThis): KeepsakeDesktopApi | undefined {
  const api = (scope as { keepsake?: unknown }).keepsake;
  if (typeof api !== 'object' || api === null) return undefined;
  const methods = Object.keys(DESKTOP_CHANNELS) as (keyof KeepsakeDesktopApi)[];
  return methods.every((m) => typeof (api as Record<string, unknown>)[m] === 'function')
    ? (api as KeepsakeDesktopApi)
    : undefined;
}
