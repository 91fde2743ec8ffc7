// The preload script: runs in the sandboxed renderer before the UI and exposes `window.keepsake` (the
// desktop API of shared/api/desktop.ts) through contextBridge. It holds no logic: every call is one
// `ipcRenderer.invoke` on a fixed channel, checked and validated again by the main process (ipc.ts).
// Sandboxed preloads can only `require('electron')`, so this file imports nothing else at run time;
// tsc emits it as CommonJS (preload/package.json) and Electron's sandbox runs it as a plain script.
import { contextBridge, ipcRenderer } from 'electron';
import type { DESKTOP_CHANNELS, KeepsakeDesktopApi } from '../shared/api/desktop.js';

/** The channels of shared/api/desktop.ts, spelled out (a value import would not load in the sandbox). */
const channel = {
  pickFolder: 'keepsake:pick-folder',
  revealInFileManager: 'keepsake:reveal-in-file-manager',
  appVersion: 'keepsake:app-version',
  getOpenAtLogin: 'keepsake:get-open-at-login',
  setOpenAtLogin: 'keepsake:set-open-at-login',
} as const satisfies typeof DESKTOP_CHANNELS;

/** Exactly the desktop API: each method forwards only its declared arguments. */
const api: KeepsakeDesktopApi = {
  pickFolder: () => ipcRenderer.invoke(channel.pickFolder),
  revealInFileManager: (path: string) => ipcRenderer.invoke(channel.revealInFileManager, path),
  appVersion: () => ipcRenderer.invoke(channel.appVersion),
  getOpenAtLogin: () => ipcRenderer.invoke(channel.getOpenAtLogin),
  setOpenAtLogin: (open: boolean) => ipcRenderer.invoke(channel.setOpenAtLogin, open),
};

contextBridge.exposeInMainWorld('keepsake', Object.freeze(api));
