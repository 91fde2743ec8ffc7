import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { DESKTOP_CHANNELS, type KeepsakeDesktopApi } from '../../shared/api/desktop.js';
import { originOf } from './security.js';

/** What an IPC invoke event tells about its sender (Electron's IpcMainInvokeEvent). */
export interface InvokeEvent {
  readonly sender: unknown;
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

/** The parts of ipcMain the shell uses. */
export interface IpcHandlers {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Who may call: the app's own window, showing the engine's origin in its main frame. */
export interface IpcTrust {
  engineOrigin(): string | undefined;
  /** The window's webContents, while it exists. */
  webContents(): unknown;
}

/**
 * True when the call comes from the app's own window (its webContents), from its main frame (not an
 * iframe), while that frame shows the engine's origin (Electron Fiddle's check of senderFrame).
 */
export function isTrustedSender(event: InvokeEvent, trust: IpcTrust): boolean {
  const frame = event.senderFrame;
  const origin = trust.engineOrigin();
  const contents = trust.webContents();
  return (
    frame !== null &&
    frame.parent === null &&
    origin !== undefined &&
    originOf(frame.url) === origin &&
    contents !== undefined &&
    event.sender === contents
  );
}

/** A local absolute path (not a network share: revealing one would make the OS connect to it). */
const localPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL character')
  .refine((p) => !/^[\\/]{2}/.test(p), 'network paths are not revealed')
  .refine((p) => isAbsolute(p), 'path must be absolute');

/** The arguments each channel takes, exactly: nothing more. */
export const ipcArguments = {
  pickFolder: z.tuple([]),
  revealInFileManager: z.tuple([localPath]),
  appVersion: z.tuple([]),
  getOpenAtLogin: z.tuple([]),
  setOpenAtLogin: z.tuple([z.boolean()]),
} satisfies Record<keyof KeepsakeDesktopApi, z.ZodType>;

/** What the desktop API does in the main process. */
export interface DesktopServices {
  pickFolder(): Promise<string | null>;
  revealInFileManager(path: string): void;
  appVersion(): string;
  getOpenAtLogin(): boolean;
  setOpenAtLogin(open: boolean): void;
}

/** An IPC call refused: from a sender other than the app's window, or with arguments it does not take. */
export class IpcRefused extends Error {
  override readonly name = 'IpcRefused';
}

/**
 * Registers the desktop API's handlers (one per channel of shared/api/desktop.ts). Each handler first
 * checks the sender, then validates the arguments, and only then calls the service.
 */
export function registerDesktopIpc(ipc: IpcHandlers, services: DesktopServices, trust: IpcTrust): () => void {
  const on = <K extends keyof KeepsakeDesktopApi>(
    method: K,
    run: (args: z.infer<(typeof ipcArguments)[K]>) => unknown,
  ) => {
    ipc.handle(DESKTOP_CHANNELS[method], (event, ...args) => {
      if (!isTrustedSender(event, trust)) throw new IpcRefused(`${method}: refused, not Keepsake's window`);
      const parsed = ipcArguments[method].safeParse(args);
      if (!parsed.success)
        throw new IpcRefused(`${method}: invalid arguments: ${parsed.error.issues[0]?.message ?? ''}`);
      return run(parsed.data as z.infer<(typeof ipcArguments)[K]>);
    });
  };
  on('pickFolder', () => services.pickFolder());
  on('revealInFileManager', ([path]) => services.revealInFileManager(path));
  on('appVersion', () => services.appVersion());
  on('getOpenAtLogin', () => services.getOpenAtLogin());
  on('setOpenAtLogin', ([open]) => services.setOpenAtLogin(open));
  return () => {
    for (const channel of Object.values(DESKTOP_CHANNELS)) ipc.removeHandler(channel);
  };
}
