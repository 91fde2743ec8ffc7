import { desktopApi, type KeepsakeDesktopApi } from '../../../shared/api/desktop.js';

/** The desktop app's API (folder picker, reveal in file manager), or undefined in a browser tab. */
export function desktop(): KeepsakeDesktopApi | undefined {
  return typeof window === 'undefined' ? undefined : desktopApi(window);
}

/** The native folder picker when the desktop shell provides one. */
export function folderPicker(): (() => Promise<string | null>) | undefined {
  const api = desktop();
  return api ? () => api.pickFolder() : undefined;
}
