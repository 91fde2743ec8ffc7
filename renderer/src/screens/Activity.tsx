import { useMemo, useState } from 'react';
import type { AuditEvent, AuditKind } from '../../../shared/model/audit.js';
import { Badge, type Tone } from '../components/Badge.js';
import { Icon } from '../components/Icon.js';
import { RecentFiles } from '../components/RecentFiles.js';
import { Empty, ErrorState, Loading, NotAvailable } from '../components/States.js';
import { api, notServed } from '../lib/api.js';
import { useLiveEvent, useRecentEvents } from '../lib/events.js';
import { formatBytes, formatElapsed, formatMoney, formatTime } from '../lib/format.js';
import { useStatus } from '../lib/status.js';
import { useResource } from '../lib/use-resource.js';

const KIND: Record<AuditKind, { word: string; tone: Tone }> = {
  backup: { word: 'Backup', tone: 'ok' },
  verify: { word: 'Verify', tone: 'info' },
  restore: { word: 'Restore', tone: 'info' },
  failover: { word: 'Failover', tone: 'warn' },
  placement: { word: 'Placement', tone: 'neutral' },
  deletion: { word: 'Deletion', tone: 'bad' },
  'destination-state': { word: 'Destination', tone: 'warn' },
  'storage-class': { word: 'Storage class', tone: 'info' },
};

/** Words for the keys events record, where the key alone is jargon. */
const KEY_WORDS: Record<string, string> = {
  size: 'size',
  bytes: 'size',
  recoveryMs: 'recovered in',
  monthlySaving: 'saves a month',
};

/** One fact in words: `size: 2.5 MB`, `recovered in 1 min 32 s`, `saves a month: $2.20`. */
function fact(key: string, value: string | number | boolean): string {
  const label = KEY_WORDS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  if (typeof value === 'number') {
    if (key === 'size' || key === 'bytes') return `${label}: ${formatBytes(value)}`;
    if (key.endsWith('Ms')) return `${label} ${formatElapsed(value)}`;
    if (key === 'monthlySaving') return `${label}: ${formatMoney(value)}`;
  }
  return `${label}: ${String(value)}`;
}

/** Facts of an event in a short line (counts, reasons), in words, never a raw JSON dump. */
export function details(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter((e): e is [string, string | number | boolean] =>
      ['string', 'number', 'boolean'].includes(typeof e[1]),
    )
    .map(([k, v]) => fact(k, v))
    .join(' · ');
}

/** The audit trail, filterable by kind, destination and wedding. */
export function AuditTable({ events }: { events: AuditEvent[] }) {
  const { status } = useStatus();
  const [kind, setKind] = useState<AuditKind | ''>('');
  const [dest, setDest] = useState('');
  const [wedding, setWedding] = useState('');
  const weddingName = (id: number | null) =>
    id === null
      ? ''
      : (status?.weddings.find((w) => w.wedding?.id === id)?.wedding?.couple ?? `Wedding ${id}`);
  const shown = useMemo(
    () =>
      events.filter(
        (e) =>
          (!kind || e.kind === kind) &&
          (!dest || e.destination === dest) &&
          (!wedding || String(e.weddingId) === wedding),
      ),
    [events, kind, dest, wedding],
  );
  const destinations = [...new Set(events.map((e) => e.destination).filter((d): d is string => !!d))];
  const weddings = [...new Set(events.map((e) => e.weddingId).filter((w): w is number => w !== null))];
  return (
    <>
      <div className="toolbar">
        <label className="field field-inline">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as AuditKind | '')}>
            <option value="">All</option>
            {Object.entries(KIND).map(([k, v]) => (
              <option key={k} value={k}>
                {v.word}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <span>Destination</span>
          <select value={dest} onChange={(e) => setDest(e.target.value)}>
            <option value="">All</option>
            {destinations.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <span>Wedding</span>
          <select value={wedding} onChange={(e) => setWedding(e.target.value)}>
            <option value="">All</option>
            {weddings.map((w) => (
              <option key={w} value={w}>
                {weddingName(w)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {shown.length === 0 ? (
        <Empty icon="activity" title="Nothing recorded matches" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">About</th>
                <th scope="col">Where</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">{formatTime(e.at)}</td>
                  <td>
                    <Badge tone={KIND[e.kind]?.tone ?? 'neutral'}>{KIND[e.kind]?.word ?? e.kind}</Badge>
                  </td>
                  <td>
                    <span className="break">{e.subject}</span>
                    {e.weddingId !== null && <div className="muted">{weddingName(e.weddingId)}</div>}
                  </td>
                  <td>{e.destination ?? '—'}</td>
                  <td className="muted">{details(e.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Problems reported live since this window opened. */
function LiveProblems() {
  const earlier = useRecentEvents(['problem']);
  const [problems, setProblems] = useState(() =>
    earlier.map((r) => ({ at: r.at, message: r.event.message })),
  );
  useLiveEvent(['problem'], (e) =>
    setProblems((p) => [{ at: Date.now(), message: e.message }, ...p].slice(0, 50)),
  );
  if (problems.length === 0) return <p className="muted">No problem reported since this window opened.</p>;
  return (
    <ul className="plain">
      {problems.map((p) => (
        <li key={`${p.at}-${p.message}`}>
          <Icon name="alert" /> <time className="muted">{formatTime(p.at)}</time> {p.message}
        </li>
      ))}
    </ul>
  );
}

/** Screen 7: everything Keepsake did with the photos, newest first. */
export function ActivityScreen() {
  const audit = useResource(() => api.get('GET /api/audit'), 'audit');
  return (
    <div className="screen">
      <h1>Activity</h1>
      {audit.state === 'error' && notServed(audit.error) ? (
        <NotAvailable what="The audit trail">
          <p>
            It will list every backup, verify, restore, failover and deletion with its time, wedding and
            destination. Meanwhile, here is what happened since this window opened.
          </p>
        </NotAvailable>
      ) : audit.state === 'error' ? (
        <ErrorState error={audit.error} retry={audit.reload} what="The audit trail" />
      ) : !audit.data ? (
        <Loading rows={5} />
      ) : audit.data.length === 0 ? (
        <Empty icon="activity" title="Nothing recorded yet" />
      ) : (
        <section className="card">
          <AuditTable events={audit.data} />
        </section>
      )}
      <div className="grid grid-two">
        <section className="card" aria-labelledby="live-files">
          <h2 id="live-files">Files, live</h2>
          <RecentFiles limit={20} />
        </section>
        <section className="card" aria-labelledby="live-problems">
          <h2 id="live-problems">Problems, live</h2>
          <LiveProblems />
        </section>
      </div>
    </div>
  );
}
