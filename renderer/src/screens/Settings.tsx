import { useState, type FormEvent } from 'react';
import type { PolicySettings, SettingsReport } from '../../../shared/api/contract.js';
import { ErrorState, Loading, NotAvailable, SaveResult } from '../components/States.js';
import { api, notServed } from '../lib/api.js';
import { formatBytes, plural } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';

const POLICY_WORDS: Record<keyof PolicySettings, { title: string; when: (p: PolicySettings) => string }> = {
  critical: {
    title: 'Wedding-day critical',
    when: (p) =>
      `from ${plural(p.critical.daysBefore, 'day')} before the wedding to ${plural(p.critical.daysAfter, 'day')} after`,
  },
  standard: { title: 'Standard', when: () => 'every other wedding' },
  archive: {
    title: 'Archive',
    when: (p) => `delivered weddings, and weddings ${plural(p.archive.afterDays, 'day')} old`,
  },
};

/** The protection policies as a photographer reads them. */
export function PoliciesView({ policies }: { policies: PolicySettings }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Policy</th>
            <th scope="col">Applies to</th>
            <th scope="col" className="num">
              Copies
            </th>
            <th scope="col" className="num">
              Providers
            </th>
            <th scope="col" className="num">
              Off this computer
            </th>
            <th scope="col" className="num">
              Cold
            </th>
          </tr>
        </thead>
        <tbody>
          {(Object.keys(POLICY_WORDS) as (keyof PolicySettings)[]).map((k) => (
            <tr key={k}>
              <th scope="row">{POLICY_WORDS[k].title}</th>
              <td>{POLICY_WORDS[k].when(policies)}</td>
              <td className="num">{policies[k].copies}</td>
              <td className="num">{policies[k].distinctProviders}</td>
              <td className="num">{policies[k].offLaptopCopies}</td>
              <td className="num">{policies[k].coldCopies}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Protection target and transfer settings, editable when the engine takes changes. */
function GeneralForm({ settings, onSaved }: { settings: SettingsReport; onSaved: () => void }) {
  const [copies, setCopies] = useState(String(settings.protection.copies));
  const [limit, setLimit] = useState(
    settings.transfer.bandwidthLimit ? String(Math.round(settings.transfer.bandwidthLimit / 125_000)) : '',
  );
  const [concurrency, setConcurrency] = useState(String(settings.transfer.concurrency));
  const [note, setNote] = useState<{ ok?: string; error?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setNote(null);
    try {
      await api.post('POST /api/settings', {
        protection: { copies: copies === 'all' || copies === 'policy' ? copies : Number(copies) },
        transfer: {
          concurrency: Number(concurrency),
          bandwidthLimit: limit ? Number(limit) * 125_000 : null,
        },
      });
      setNote({ ok: 'Saved. Keepsake works with the new settings now.' });
      onSaved();
    } catch (err) {
      setNote({ error: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={save}>
      <div className="field">
        <label htmlFor="set-copies">Copies each file needs</label>
        <select id="set-copies" value={copies} onChange={(e) => setCopies(e.target.value)}>
          <option value="policy">By wedding (protection policies)</option>
          <option value="all">One on every destination</option>
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={n}>
              {plural(n, 'copy', 'copies')}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="set-limit">Upload limit (Mbit/s)</label>
        <input
          id="set-limit"
          inputMode="numeric"
          value={limit}
          placeholder="No limit"
          onChange={(e) => setLimit(e.target.value.replace(/\D/g, ''))}
        />
        <p className="hint">
          {settings.transfer.bandwidthLimit
            ? `Now ${formatBytes(settings.transfer.bandwidthLimit)}/s for all destinations together.`
            : 'Now unlimited.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor="set-conc">Files sent at the same time</label>
        <input
          id="set-conc"
          inputMode="numeric"
          value={concurrency}
          onChange={(e) => setConcurrency(e.target.value.replace(/\D/g, ''))}
        />
      </div>
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      <SaveResult note={note} />
    </form>
  );
}

/** Screen 8: policies, bandwidth, notifications. */
export function SettingsScreen() {
  const settings = useResource(() => api.get('GET /api/settings'), 'settings');
  if (settings.state === 'error')
    return (
      <div className="screen">
        <h1>Settings</h1>
        {notServed(settings.error) ? (
          <NotAvailable what="Settings" are />
        ) : (
          <ErrorState error={settings.error} retry={settings.reload} what="Settings" />
        )}
      </div>
    );
  if (!settings.data)
    return (
      <div className="screen">
        <h1>Settings</h1>
        <Loading rows={4} />
      </div>
    );
  const s = settings.data;
  return (
    <div className="screen">
      <h1>Settings</h1>
      <div className="grid grid-two">
        <section className="card" aria-labelledby="gen-title">
          <h2 id="gen-title">Protection and transfers</h2>
          <GeneralForm settings={s} onSaved={settings.reload} />
          <p className="muted small">
            Keepsake’s home: <code>{s.home}</code>. A new file is taken once it has not changed for{' '}
            {(s.watch.stableMs / 1000).toFixed(1)} s (card imports).
          </p>
        </section>
        <section className="card" aria-labelledby="pol-title">
          <h2 id="pol-title">Protection policies</h2>
          {s.policies ? (
            <PoliciesView policies={s.policies} />
          ) : (
            <NotAvailable what="Policies" are>
              <p>
                Policies will give weddings near their day more copies and move delivered weddings to cheaper
                archive storage. Until then every file gets the copies set on the left.
              </p>
            </NotAvailable>
          )}
        </section>
        <section className="card" aria-labelledby="bw-title">
          <h2 id="bw-title">Bandwidth schedule</h2>
          {s.bandwidthSchedule ? (
            s.bandwidthSchedule.length === 0 ? (
              <p className="muted">No schedule: the upload limit applies at all times.</p>
            ) : (
              <ul className="plain">
                {s.bandwidthSchedule.map((w) => (
                  <li key={`${w.days.join()}-${w.from}`}>
                    {w.days.join(', ')} {w.from}–{w.to}: {w.limit ? `${formatBytes(w.limit)}/s` : 'unlimited'}
                  </li>
                ))}
              </ul>
            )
          ) : (
            <NotAvailable what="A bandwidth schedule">
              <p>It will let uploads run slower during your working hours and at full speed at night.</p>
            </NotAvailable>
          )}
        </section>
        <section className="card" aria-labelledby="not-title">
          <h2 id="not-title">Notifications</h2>
          {s.notifications ? (
            <ul className="plain">
              {s.notifications.channels.map((c) => (
                <li key={c.description}>
                  <strong>{c.kind}</strong>: {c.description}
                </li>
              ))}
              <li className="muted">
                {s.notifications.resolved
                  ? 'Also told when a problem is resolved.'
                  : 'Told only when a problem starts.'}
              </li>
            </ul>
          ) : (
            <NotAvailable what="Notification settings" are>
              <p>
                You will be told by email or chat when a destination goes down, a wedding stays short of
                copies, or a verify finds damage.
              </p>
            </NotAvailable>
          )}
        </section>
      </div>
    </div>
  );
}
