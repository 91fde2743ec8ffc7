import { useEffect, useRef, useState } from 'react';
import type { StatusReport } from '../../../shared/model/status.js';
import { api } from '../lib/api.js';
import { useLiveState } from '../lib/events.js';
import { formatTime, plural } from '../lib/format.js';
import { overall } from '../lib/protection.js';
import { useStatus } from '../lib/status.js';
import { Icon } from './Icon.js';

/** Watched folders that are missing or unreadable: new photos in them are not backed up. */
function unreadableFolders(status: StatusReport): number {
  return (status.folders ?? []).filter((f) => !f.available).length;
}

/** `9:22 PM` today, else `Dec 7, 9:22 PM`: short enough for the bar. */
export function shortMoment(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  return d.toDateString() === now.toDateString()
    ? time
    : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`;
}

/** The bar above every screen: one sentence on the state of all backups, the live link, pause and protect now. */
export function TopBar() {
  const { status, reload, paused, setPaused } = useStatus();
  const live = useLiveState();
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const noteTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(noteTimer.current), []);
  const all = status
    ? overall([...status.weddings, ...(status.unassigned ? [status.unassigned] : [])])
    : null;
  const run = async (what: string, fn: () => Promise<string>) => {
    setBusy(what);
    setNote(null);
    try {
      const message = await fn();
      setNote(message);
      // The note is a passing confirmation: it goes after a few seconds (only this bar re-renders).
      clearTimeout(noteTimer.current);
      noteTimer.current = setTimeout(() => setNote((n) => (n === message ? null : n)), 6000);
      // A scan or a pause changes what is pending before any file event says so.
      reload();
    } catch (e) {
      setNote(`Could not ${what}: ${(e as Error).message}`);
    } finally {
      setBusy(null);
    }
  };
  let summary = 'Checking your backups…';
  let detail: string | undefined;
  let tone = 'neutral';
  if (status && all) {
    if (all.needed === 0) summary = 'No files to protect yet';
    else if (status.allProtected) {
      summary = `All ${plural(all.needed, 'file')} protected`;
      tone = 'ok';
    } else if (all.failed > 0) {
      summary = `${plural(all.failed, 'file')} failed: see below`;
      tone = 'bad';
    } else if (unreadableFolders(status) > 0) {
      summary = `${plural(unreadableFolders(status), 'watched folder')} cannot be read: see below`;
      tone = 'bad';
    } else if (all.laptopOnly > 0 && all.laptopOnly >= all.needed - all.protected) {
      // Copied, but only to this laptop's own disk: say so, and ask for a second place.
      // Short enough for the bar at 800 px; the whole sentence is its tooltip and on the overview.
      summary = `${plural(all.laptopOnly, 'file')} only on this laptop`;
      detail = `${plural(all.laptopOnly, 'file')} only on this laptop's disk: not yet safe from a lost or broken laptop`;
      tone = 'warn';
    } else {
      summary = `${plural(all.needed - all.protected, 'file')} waiting for protection`;
      tone = 'warn';
    }
  }
  return (
    <header className="topbar">
      <div
        className={`topbar-summary tone-${tone}`}
        role="status"
        aria-live="polite"
        title={`${detail ?? summary}${
          status && !status.allProtected
            ? status.protectedAsOf
              ? ` (backed up as of ${formatTime(status.protectedAsOf)})`
              : ' (not fully backed up yet)'
            : ''
        }`}
      >
        <Icon name={tone === 'ok' ? 'shield' : tone === 'bad' ? 'alert' : 'clock'} />
        <span className="topbar-state">{summary}</span>
        {status && !status.allProtected && (
          <span className="topbar-asof" data-testid="backed-up-as-of">
            {status.protectedAsOf
              ? `backed up as of ${shortMoment(status.protectedAsOf)}`
              : 'not fully backed up yet'}
          </span>
        )}
        {paused && <span className="topbar-paused">Uploads paused</span>}
      </div>
      <div className="topbar-actions">
        <span className={`live live-${live}`} title="Live updates from Keepsake">
          <span className="live-dot" aria-hidden="true" />
          {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Disconnected'}
        </span>
        {note && (
          <span className="topbar-note" role="status">
            {note}
          </span>
        )}
        <button
          type="button"
          className="button button-quiet"
          disabled={busy !== null}
          onClick={() =>
            run(paused ? 'resume' : 'pause', async () => {
              const r = await api.post('POST /api/pause', { paused: !paused });
              setPaused(r.paused);
              return r.paused ? 'Paused: uploads in progress finish first.' : 'Uploads resumed.';
            })
          }
        >
          <Icon name={paused ? 'play' : 'pause'} /> {paused ? 'Resume uploads' : 'Pause uploads'}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={busy !== null}
          onClick={() =>
            run('start a scan', async () => {
              const r = await api.post('POST /api/backup-now', {});
              return r.queued > 0 ? `${plural(r.queued, 'new file')} found.` : 'Checked: no new file.';
            })
          }
        >
          <Icon name="refresh" /> {busy === 'start a scan' ? 'Scanning…' : 'Protect now'}
        </button>
      </div>
    </header>
  );
}
