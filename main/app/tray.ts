import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { StatusReport } from '../../shared/model/status.js';
import { formatDeadline, pauseDeadline, type PauseChoice, type PauseController } from './pause.js';
import { trayIconPng } from './tray-icon.js';
import { trayStateFor, trayTooltip, type TrayState } from './tray-state.js';

/** What the tray menu does; each action is the shell's, the tray only calls it. */
export interface TrayActions {
  open(): void;
  protectNow(): Promise<unknown>;
  pause(choice: PauseChoice): Promise<void>;
  resume(): Promise<void>;
  quit(): void;
  /** Told of an action that failed (e.g. the engine was restarting). */
  failed(what: string, err: unknown): void;
}

/** What the menu shows. */
export interface TrayView {
  state: TrayState;
  /** The state in words (also the tooltip). */
  summary: string;
  paused: boolean;
  /** The engine answers: "Protect now" and pausing need it. */
  engineReady: boolean;
  /** Label of the "until tomorrow" deadline, e.g. `Wed 06:00`. */
  tomorrow: string;
}

/** The tray menu: status line, open, protect now, pause (1 hour / until tomorrow) or resume, quit. */
export function trayMenuTemplate(view: TrayView, actions: TrayActions): MenuItemConstructorOptions[] {
  const run = (what: string, action: () => Promise<unknown>) => () =>
    void action().catch((err: unknown) => actions.failed(what, err));
  return [
    { id: 'summary', label: view.summary, enabled: false },
    { type: 'separator' },
    { id: 'open', label: 'Open Keepsake', click: () => actions.open() },
    {
      id: 'protect-now',
      label: 'Protect now',
      enabled: view.engineReady && !view.paused,
      click: run('Protect now', () => actions.protectNow()),
    },
    { type: 'separator' },
    {
      id: 'pause-hour',
      label: 'Pause for 1 hour',
      visible: !view.paused,
      enabled: view.engineReady,
      click: run('Pause', () => actions.pause('hour')),
    },
    {
      id: 'pause-tomorrow',
      label: `Pause until tomorrow (${view.tomorrow})`,
      visible: !view.paused,
      enabled: view.engineReady,
      click: run('Pause', () => actions.pause('tomorrow')),
    },
    {
      id: 'resume',
      label: 'Resume backups',
      visible: view.paused,
      enabled: view.engineReady,
      click: run('Resume', () => actions.resume()),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Keepsake', click: () => actions.quit() },
  ];
}

/** The parts of Electron the tray uses (Tray, Menu.buildFromTemplate, nativeImage). */
export interface TrayParts {
  createTray(icon: NativeImage): TrayHandle;
  buildMenu(template: MenuItemConstructorOptions[]): unknown;
  createImage(png1x: Buffer, png2x: Buffer): NativeImage;
}

/** The parts of an Electron Tray the controller drives. */
export interface TrayHandle {
  setImage(icon: NativeImage): void;
  setToolTip(text: string): void;
  setContextMenu(menu: never): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/**
 * The tray icon: its image, tooltip and menu follow the engine's status (fed by status-feed.ts) and the
 * user's pause; clicking it opens the window (on Windows and Linux; macOS shows the menu).
 */
export class TrayController {
  private readonly tray: TrayHandle;
  private readonly icons = new Map<TrayState, NativeImage>();
  private status: StatusReport | null = null;
  private engineProblem: string | undefined;
  private engineReady = false;
  private shown: TrayState | undefined;

  constructor(
    private readonly parts: TrayParts,
    private readonly actions: TrayActions,
    private readonly pause: PauseController,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tray = parts.createTray(this.icon('working'));
    this.tray.on('click', () => actions.open());
    this.render();
  }

  /** The engine's latest status (null: not known, e.g. while it restarts). */
  setStatus(status: StatusReport | null): void {
    this.status = status;
    this.render();
  }

  /** Whether the engine answers; a message when it failed for good (shown as "needs attention"). */
  setEngine(ready: boolean, problem?: string): void {
    this.engineReady = ready;
    this.engineProblem = problem;
    if (!ready) this.status = null;
    this.render();
  }

  /** The current view, as drawn. */
  view(): TrayView {
    const now = this.now();
    const until = this.pause.until;
    const untilLabel = until === undefined ? undefined : formatDeadline(new Date(until), now);
    const state: TrayState = this.engineProblem ? 'attention' : trayStateFor(this.status, this.pause.paused);
    const summary = this.engineProblem
      ? `Keepsake needs attention: ${this.engineProblem}`
      : trayTooltip(this.status, this.pause.paused, untilLabel);
    return {
      state,
      summary,
      paused: this.pause.paused,
      engineReady: this.engineReady,
      tomorrow: formatDeadline(pauseDeadline('tomorrow', now), now),
    };
  }

  /** Redraws icon, tooltip and menu. */
  render(): void {
    const view = this.view();
    if (view.state !== this.shown) {
      this.tray.setImage(this.icon(view.state));
      this.shown = view.state;
    }
    this.tray.setToolTip(view.summary);
    this.tray.setContextMenu(this.parts.buildMenu(trayMenuTemplate(view, this.actions)) as never);
  }

  destroy(): void {
    this.tray.destroy();
  }

  private icon(state: TrayState): NativeImage {
    let icon = this.icons.get(state);
    if (!icon) {
      icon = this.parts.createImage(trayIconPng(state, 16), trayIconPng(state, 32));
      this.icons.set(state, icon);
    }
    return icon;
  }
}
