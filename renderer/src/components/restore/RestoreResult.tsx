import { useState } from 'react';
import type { RestoreSummary } from '../../../../shared/api/contract.js';
import type { RetrievalEstimate, RetrievalSpeed } from '../../../../shared/model/cost.js';
import { api } from '../../lib/api.js';
import { desktop } from '../../lib/desktop.js';
import { formatBytes, formatDuration, formatMoney, plural } from '../../lib/format.js';
import { Icon } from '../Icon.js';

/** Several restore calls (one per snapshot) added up. */
export function combine(
  results: RestoreSummary[],
): Omit<RestoreSummary, 'snapshot' | 'from'> & { from: string[] } {
  return {
    from: [...new Set(results.map((r) => r.from))],
    restored: results.reduce((n, r) => n + r.restored, 0),
    bytes: results.reduce((n, r) => n + r.bytes, 0),
    existing: results.flatMap((r) => r.existing),
    refused: results.flatMap((r) => r.refused),
    failed: results.flatMap((r) => r.failed),
    archived: results.flatMap((r) => r.archived),
  };
}

const SPEEDS: { speed: RetrievalSpeed; label: string; wait: string }[] = [
  { speed: 'fast', label: 'Fast', wait: 'minutes to an hour; the highest fee' },
  { speed: 'standard', label: 'Standard', wait: 'typically 3 to 12 hours' },
  { speed: 'bulk', label: 'Bulk', wait: 'up to 48 hours; the lowest fee' },
];

/** Files only in archive storage: the wait and cost of each speed, and the request to bring them back. */
export function RehydratePanel({
  archived,
  sizes,
  onRequest,
}: {
  archived: RestoreSummary['archived'];
  /** Size of each archived path, for the estimate. */
  sizes: Record<string, number>;
  onRequest: (speed: RetrievalSpeed) => Promise<void>;
}) {
  const [speed, setSpeed] = useState<RetrievalSpeed>('standard');
  const [estimate, setEstimate] = useState<{
    speed: RetrievalSpeed;
    value: RetrievalEstimate[] | { error: string };
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const requested = archived.length > 0 && archived.every((a) => a.requested);
  const byDest = new Map<string, { bytes: number; objects: number }>();
  for (const a of archived) {
    const d = byDest.get(a.destination) ?? { bytes: 0, objects: 0 };
    byDest.set(a.destination, { bytes: d.bytes + (sizes[a.path] ?? 0), objects: d.objects + 1 });
  }
  const estimateFor = async (s: RetrievalSpeed) => {
    setSpeed(s);
    try {
      const value = await Promise.all(
        [...byDest].map(([destination, d]) =>
          api.post('POST /api/cost/retrieval', { destination, ...d, speed: s }),
        ),
      );
      setEstimate({ speed: s, value });
    } catch (e) {
      setEstimate({ speed: s, value: { error: (e as Error).message } });
    }
  };
  if (requested)
    return (
      <div className="callout callout-info" role="status" data-testid="rehydration-requested">
        <Icon name="clock" />
        <div>
          <strong>Rehydration requested for {plural(archived.length, 'file')}.</strong>
          <p>
            The provider is making them readable. Run this restore again once that is done (
            {SPEEDS.find((x) => x.speed === speed)?.wait ?? 'see above'}); files already restored are kept.
          </p>
        </div>
      </div>
    );
  const e = estimate?.speed === speed ? estimate.value : null;
  return (
    <div className="callout callout-warn" data-testid="archived">
      <Icon name="clock" />
      <div>
        <strong>
          {plural(archived.length, 'file')} {archived.length === 1 ? 'is' : 'are'} in archive storage on{' '}
          {[...byDest.keys()].join(', ')}.
        </strong>
        <p>
          Archive storage is cheap to keep but must be made readable before a restore (“rehydration”). The
          provider charges a retrieval fee. Choose how fast:
        </p>
        <fieldset className="speeds">
          <legend className="visually-hidden">Rehydration speed</legend>
          {SPEEDS.map((s) => (
            <label key={s.speed} className="check">
              <input
                type="radio"
                name="speed"
                value={s.speed}
                checked={speed === s.speed}
                onChange={() => void estimateFor(s.speed)}
              />
              <strong>{s.label}</strong> <span className="muted">{s.wait}</span>
            </label>
          ))}
        </fieldset>
        {e && 'error' in e ? (
          <p className="muted">The cost could not be estimated: {e.error}</p>
        ) : e ? (
          <p>
            Estimated: <strong>{formatMoney(e.reduce((n, x) => n + x.total, 0))}</strong>, readable in{' '}
            {formatDuration(Math.min(...e.map((x) => x.waitMinutes.min)) * 60)} to{' '}
            {formatDuration(Math.max(...e.map((x) => x.waitMinutes.max)) * 60)}.
          </p>
        ) : (
          <button type="button" className="link-button" onClick={() => void estimateFor(speed)}>
            Estimate the cost
          </button>
        )}
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onRequest(speed);
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy ? 'Requesting…' : `Request ${speed} rehydration`}
        </button>
      </div>
    </div>
  );
}

/** What a restore did, in words: every file verified, or exactly what was not restored and why. */
export function RestoreResultView({ results, target }: { results: RestoreSummary[]; target: string }) {
  const r = combine(results);
  const clean = r.failed.length === 0 && r.refused.length === 0;
  return (
    <div className="restore-result">
      {r.restored > 0 && clean && (
        <div className="callout callout-ok" role="status" data-testid="restore-verified">
          <Icon name="check" />
          <div>
            <strong>
              {plural(r.restored, 'file')} ({formatBytes(r.bytes)}) restored to <code>{target}</code>.
            </strong>
            <p>
              Every file was verified: its SHA-256 checksum matches the one recorded when it was backed up.
              Read from {r.from.join(', ')}.
            </p>
            {desktop() && (
              <button
                type="button"
                className="button"
                onClick={() => void desktop()?.revealInFileManager(target)}
              >
                Show the folder
              </button>
            )}
          </div>
        </div>
      )}
      {r.restored > 0 && !clean && (
        <p role="status">
          {plural(r.restored, 'file')} ({formatBytes(r.bytes)}) restored to <code>{target}</code> and
          verified.
        </p>
      )}
      {r.restored === 0 && r.existing.length === 0 && r.archived.length === 0 && clean && (
        <p role="status">Nothing needed restoring.</p>
      )}
      {r.existing.length > 0 && (
        <div className="callout callout-info">
          <Icon name="file" />
          <div>
            <strong>
              {plural(r.existing.length, 'file')} already in the folder{' '}
              {r.existing.length === 1 ? 'was' : 'were'} kept as{' '}
              {r.existing.length === 1 ? 'it is' : 'they are'}.
            </strong>
            <p>To replace them, tick “Replace files that already exist” and restore again.</p>
          </div>
        </div>
      )}
      {(r.failed.length > 0 || r.refused.length > 0) && (
        <div className="callout callout-bad" role="alert">
          <Icon name="alert" />
          <div>
            <strong>{plural(r.failed.length + r.refused.length, 'file')} could not be restored.</strong>
            <ul className="reasons">
              {[...r.failed, ...r.refused].map((f) => (
                <li key={f.path}>
                  <code>{f.path}</code>: {f.reason}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}
