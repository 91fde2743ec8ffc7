/** The pause choices of the tray menu. */
export type PauseChoice = 'hour' | 'tomorrow';

/** The hour of the morning a pause "until tomorrow" ends. */
export const MORNING_HOUR = 6;

/**
 * When a pause chosen at `now` ends, in local time: an hour from now, or "tomorrow" at 06:00 — the next
 * calendar day's, except in the small hours (before 06:00) when the coming 06:00 is the one meant.
 */
export function pauseDeadline(choice: PauseChoice, now: Date): Date {
  if (choice === 'hour') return new Date(now.getTime() + 3_600_000);
  const days = now.getHours() < MORNING_HOUR ? 0 : 1;
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, MORNING_HOUR, 0, 0, 0);
}

/** `14:05`, or `Tue 06:00` when `at` is not on the same day as `now` (local time). */
export function formatDeadline(at: Date, now: Date): string {
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.toLocaleDateString('en-GB', { weekday: 'short' })} ${time}`;
}

export interface PauseDeps {
  /** Pauses or resumes the engine (POST /api/pause). */
  setPaused(paused: boolean): Promise<unknown>;
  /** Wall-clock time in ms: deadlines hold across the computer's sleep, unlike a plain timer. */
  now(): number;
  /** Told whenever paused or until changes (to redraw the tray). */
  onChange(): void;
  /** How often the deadline is checked (default 30 s). */
  checkEveryMs?: number;
}

/**
 * The user's pause: pauses the engine until a wall-clock deadline and resumes it when the deadline
 * passes (checked every `checkEveryMs`, so a laptop that slept through it resumes on waking), or when
 * the user resumes. Survives engine restarts through `reapply()`; ends when the app quits.
 */
export class PauseController {
  private deadline: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: PauseDeps) {}

  get paused(): boolean {
    return this.deadline !== undefined;
  }

  /** When the pause ends (ms), while paused. */
  get until(): number | undefined {
    return this.deadline;
  }

  /** Pauses until `untilMs`; rejects (and stays as it was) if the engine did not take it. */
  async pause(untilMs: number): Promise<void> {
    await this.deps.setPaused(true);
    this.deadline = untilMs;
    this.timer ??= setInterval(
      () => void this.tick().catch(() => undefined),
      this.deps.checkEveryMs ?? 30_000,
    );
    this.timer.unref?.();
    this.deps.onChange();
  }

  /** Resumes now; rejects (still paused, retried at the next check) if the engine did not take it. */
  async resume(): Promise<void> {
    await this.deps.setPaused(false);
    this.deadline = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    this.deps.onChange();
  }

  /** Resumes once the deadline has passed. */
  async tick(): Promise<void> {
    if (this.deadline !== undefined && this.deps.now() >= this.deadline) await this.resume();
  }

  /** After the engine (re)started, unpaused: pauses it again if the user's pause still holds. */
  async reapply(): Promise<void> {
    if (this.deadline === undefined) return;
    if (this.deps.now() >= this.deadline) await this.resume();
    else await this.deps.setPaused(true);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
