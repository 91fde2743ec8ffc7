import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** The argument that starts Keepsake hidden in the tray (how it is started at login on Windows and Linux). */
export const HIDDEN_ARG = '--hidden';

/** The parts of Electron's `app` (and the process) starting at login needs. */
export interface LoginItemParts {
  platform: NodeJS.Platform;
  /** The app's executable (on Linux, the AppImage file when run from one). */
  executable: string;
  /** Extra arguments before HIDDEN_ARG: the app's folder when run unpackaged (`electron .`). */
  appArgs: string[];
  getLoginItemSettings(options?: { path?: string; args?: string[] }): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
  /** Linux: the XDG autostart folder (~/.config/autostart). */
  autostartDir: string;
}

/** Quotes one Exec argument of a .desktop file (the Desktop Entry spec's rules). */
function desktopArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * "Open at login": the OS's login items on macOS (SMAppService) and Windows (the Run key, with
 * HIDDEN_ARG), an XDG autostart entry on Linux, where Electron has none.
 */
export class LoginItem {
  constructor(private readonly parts: LoginItemParts) {}

  private get args(): string[] {
    return [...this.parts.appArgs, HIDDEN_ARG];
  }

  private get desktopFile(): string {
    return join(this.parts.autostartDir, 'keepsake.desktop');
  }

  get(): boolean {
    const p = this.parts;
    if (p.platform === 'linux') return existsSync(this.desktopFile);
    if (p.platform === 'win32')
      return p.getLoginItemSettings({ path: p.executable, args: this.args }).openAtLogin;
    return p.getLoginItemSettings().openAtLogin;
  }

  set(open: boolean): void {
    const p = this.parts;
    if (p.platform === 'linux') {
      if (!open) return rmSync(this.desktopFile, { force: true });
      mkdirSync(p.autostartDir, { recursive: true });
      const exec = [p.executable, ...this.args].map(desktopArg).join(' ');
      writeFileSync(
        this.desktopFile,
        [
          '[Desktop Entry]',
          'Type=Application',
          'Name=Keepsake',
          'Comment=Backs up wedding photos to two places, verified',
          `Exec=${exec}`,
          'Terminal=false',
          'X-GNOME-Autostart-enabled=true',
          '',
        ].join('\n'),
      );
      return;
    }
    if (p.platform === 'win32')
      return p.setLoginItemSettings({ openAtLogin: open, path: p.executable, args: this.args });
    p.setLoginItemSettings({ openAtLogin: open });
  }
}

/** True when this launch should stay in the tray: started at login (HIDDEN_ARG, or macOS's own flag). */
export function launchedHidden(
  argv: string[],
  platform: NodeJS.Platform,
  wasOpenedAtLogin: () => boolean,
): boolean {
  return argv.includes(HIDDEN_ARG) || (platform === 'darwin' && wasOpenedAtLogin());
}
