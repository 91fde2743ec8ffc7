import type { StatusReport } from '../../shared/model/status.js';

/** What the tray icon shows, at a glance. */
export type TrayState = 'protected' | 'working' | 'attention' | 'paused';

/**
 * What the user must look at, in plain words: files that could not be backed up, an enabled
 * destination that cannot be reached (or that the engine's health monitor says is down), nowhere to
 * back up to, a copy target no setup can meet, a watched folder that cannot be read, or files whose
 * only copies are on the laptop's own disk.
 * Files skipped on purpose (symlinks and the like) and the advice to add a second place are not here:
 * the window shows those.
 */
export function attentionReasons(status: StatusReport): string[] {
  const reasons: string[] = [];
  const enabled = status.destinations.filter((d) => d.enabled);
  if (enabled.length === 0) reasons.push('No backup destination is enabled: nothing is being backed up.');
  for (const d of enabled) {
    if (!d.reachable) reasons.push(`"${d.name}" cannot be reached${d.problem ? `: ${d.problem}` : ''}.`);
    else if (d.health === 'down')
      reasons.push(`"${d.name}" is not working${d.problem ? `: ${d.problem}` : ''}.`);
  }
  if (enabled.length > 0 && status.target > enabled.length)
    reasons.push(
      `Each file needs ${status.target} copies but only ${enabled.length} destination(s) are enabled.`,
    );
  const failed = [...status.weddings, ...(status.unassigned ? [status.unassigned] : [])].reduce(
    (n, w) => n + w.failed,
    0,
  );
  if (failed > 0) reasons.push(`${failed} file(s) could not be backed up.`);
  for (const f of status.folders ?? [])
    if (!f.available) reasons.push(f.problem ?? `The watched folder ${f.path} cannot be read.`);
  // Only once nothing more is on its way: files still uploading elsewhere are work, not a problem.
  const laptopOnly = [...status.weddings, ...(status.unassigned ? [status.unassigned] : [])].reduce(
    (n, w) => n + (w.pending === 0 ? (w.laptopOnly ?? 0) : 0),
    0,
  );
  if (laptopOnly > 0 && !status.laptopCounts)
    reasons.push(
      `${laptopOnly} file(s) are only on this laptop's disk: add an external drive, a NAS or a cloud so a lost laptop does not lose them.`,
    );
  return reasons;
}

/** Files still waiting for their copies. */
export function filesToGo(status: StatusReport): number {
  return [...status.weddings, ...(status.unassigned ? [status.unassigned] : [])].reduce(
    (n, w) => n + Math.max(0, w.files - w.skipped - w.protected),
    0,
  );
}

/**
 * The tray's state from the engine's status (null while not known yet) and whether the user paused:
 * a problem outranks a pause (the user must hear of it), a pause outranks work, and "protected" means
 * every file has its copies and no job is running or retrying. Jobs merely queued while every file is
 * protected are scheduled housekeeping (a wedding's snapshot waits for a quiet period), not work to wait for.
 */
export function trayStateFor(status: StatusReport | null, paused: boolean): TrayState {
  if (status && attentionReasons(status).length > 0) return 'attention';
  if (paused) return 'paused';
  if (!status) return 'working';
  const { running, retrying } = status.queue;
  return status.allProtected && running + retrying === 0 ? 'protected' : 'working';
}

/** `; backed up as of 14 Jun, 21:22` (the last time every file met its target), or nothing. */
function asOf(status: StatusReport | null): string {
  if (!status?.protectedAsOf) return '';
  const d = new Date(status.protectedAsOf);
  const when = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
  return `; backed up as of ${when}`;
}

/** The tray's tooltip: the state in words, with its first reason or how much is left. */
export function trayTooltip(status: StatusReport | null, paused: boolean, pausedUntil?: string): string {
  const state = trayStateFor(status, paused);
  switch (state) {
    case 'attention':
      return `Keepsake needs attention: ${attentionReasons(status!)[0]}${asOf(status)}`;
    case 'paused':
      return `Keepsake is paused${pausedUntil ? ` until ${pausedUntil}` : ''}`;
    case 'working': {
      const left = status ? filesToGo(status) : 0;
      const working = left > 0 ? `Keepsake is backing up: ${left} file(s) to go` : 'Keepsake is working';
      return `${working}${asOf(status)}`;
    }
    case 'protected':
      return 'Keepsake: everything is protected';
  }
}
