import { useEffect, useMemo, useState } from 'react';
import type { RestoreBody, RestoreSummary } from '../../../shared/api/contract.js';
import type { RetrievalSpeed } from '../../../shared/model/cost.js';
import type { Wedding } from '../../../shared/model/wedding.js';
import { FolderField } from '../components/FolderField.js';
import { Icon } from '../components/Icon.js';
import { Progress } from '../components/Progress.js';
import { RehydratePanel, RestoreResultView } from '../components/restore/RestoreResult.js';
import { SnapshotBrowser } from '../components/restore/SnapshotBrowser.js';
import { VersionFinder } from '../components/restore/VersionFinder.js';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { api } from '../lib/api.js';
import { useLiveEvent } from '../lib/events.js';
import { formatBytes, formatDay, formatDuration, plural, snapshotMoment } from '../lib/format.js';
import { defaultRestoreTarget, exactPattern, isInside } from '../lib/paths.js';
import { href, navigate } from '../lib/router.js';
import { count, emptySelection, toggle, type Selection } from '../lib/selection.js';
import { useStatus } from '../lib/status.js';
import { useResource } from '../lib/use-resource.js';

/** `12 of 40 files, 300 MB of 1.2 GB, about 2 minutes left` from the live restore events. */
export function restoreEta(
  p: { done: number; total: number; bytes?: number; totalBytes?: number; startedAt: number },
  now = Date.now(),
): string {
  let text = `${p.done} of ${plural(p.total, 'file')}`;
  if (p.bytes !== undefined && p.totalBytes) {
    text += `, ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`;
    const elapsed = (now - p.startedAt) / 1000;
    if (p.bytes > 0 && elapsed > 1) {
      const left = ((p.totalBytes - p.bytes) / p.bytes) * elapsed;
      text += `, ${formatDuration(Math.max(1, Math.round(left)))} left`;
    }
  }
  return text;
}

type Phase =
  | { step: 'choose' }
  | {
      step: 'running';
      done: number;
      total: number;
      /** Bytes written of all, and when the restore started (ms), for the ETA. */
      bytes?: number;
      totalBytes?: number;
      startedAt: number;
    }
  | { step: 'done'; results: RestoreSummary[] }
  | { step: 'error'; message: string };

/** The restore requests for a selection: one per snapshot, exact paths escaped for the engine's globs. */
export function restoreRequests(
  wedding: Pick<Wedding, 'slug'>,
  selection: Selection,
  opts: { target: string; overwrite: boolean; from: string; rehydrate?: RetrievalSpeed },
  /** Number of files in each snapshot: a snapshot chosen whole is restored without a path list. */
  totals?: ReadonlyMap<string, number>,
): RestoreBody[] {
  return [...selection].map(([snapshot, files]) => ({
    wedding: wedding.slug,
    snapshot,
    ...(totals?.get(snapshot) === files.size ? {} : { include: [...files.keys()].map(exactPattern) }),
    target: opts.target,
    ...(opts.overwrite ? { overwrite: true } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.rehydrate ? { rehydrate: { speed: opts.rehydrate } } : {}),
  }));
}

/** The chosen files, listed with a way to drop each. */
function SelectionSummary({
  selection,
  onSelect,
}: {
  selection: Selection;
  onSelect: (s: Selection) => void;
}) {
  const c = count(selection);
  if (c.files === 0)
    return <p className="muted">No file chosen yet. Tick files or folders, or pick versions.</p>;
  return (
    <div>
      <p data-testid="selection-count">
        <strong>{plural(c.files, 'file')}</strong> ({formatBytes(c.bytes)})
        {c.snapshots > 1 ? ` from ${plural(c.snapshots, 'snapshot')}` : ''}
      </p>
      <ul className="chosen">
        {[...selection].flatMap(([snap, files]) =>
          [...files.values()].slice(0, 30).map((e) => (
            <li key={`${snap}/${e.path}`}>
              <span title={e.path}>{e.path}</span>
              {c.snapshots > 1 && <span className="muted">{snapshotMoment(snap)}</span>}
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${e.path}`}
                onClick={() => onSelect(toggle(selection, snap, [e], false))}
              >
                <Icon name="cross" />
              </button>
            </li>
          )),
        )}
      </ul>
      {c.files > 30 && <p className="muted">…and {plural(c.files - 30, 'more file')}.</p>}
      <button type="button" className="link-button" onClick={() => onSelect(emptySelection)}>
        Clear the selection
      </button>
    </div>
  );
}

/** Restoring one wedding: choose what (a snapshot's files or a file's versions), where, then restore. */
function RestoreWedding({ wedding, initialSnapshot }: { wedding: Wedding; initialSnapshot: string | null }) {
  const { status } = useStatus();
  const snapshots = useResource(
    () => api.get('GET /api/weddings/:id/snapshots', wedding.id),
    `${wedding.id}`,
  );
  const folders = useResource(() => api.get('GET /api/folders'), 'folders');
  const [mode, setMode] = useState<'browse' | 'versions'>('browse');
  const [snapshot, setSnapshot] = useState<string | null>(initialSnapshot);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [target, setTarget] = useState('');
  const [targetTouched, setTargetTouched] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const [from, setFrom] = useState('');
  const [phase, setPhase] = useState<Phase>({ step: 'choose' });
  const [rehydrated, setRehydrated] = useState<RestoreSummary[] | null>(null);
  const [rehydrateError, setRehydrateError] = useState<string | null>(null);
  const [totals] = useState(() => new Map<string, number>());

  useEffect(() => {
    if (!snapshot && snapshots.data?.[0]) setSnapshot(snapshots.data[0].id);
  }, [snapshot, snapshots.data]);
  const watched = useMemo(() => (folders.data ?? []).map((f) => f.path), [folders.data]);
  useEffect(() => {
    if (!targetTouched) setTarget(defaultRestoreTarget(wedding.folders[0], watched, wedding.slug));
  }, [targetTouched, wedding, watched]);
  useLiveEvent(['restore'], (e) => {
    setPhase((p) =>
      p.step === 'running'
        ? { ...p, done: e.done, total: e.total, bytes: e.bytes, totalBytes: e.totalBytes }
        : p,
    );
  });

  const c = count(selection);
  const insideWatched = watched.find((w) => target && isInside(target, w));
  const sizes = useMemo(() => {
    const out: Record<string, number> = {};
    for (const files of selection.values()) for (const e of files.values()) out[e.path] = e.size;
    return out;
  }, [selection]);

  const run = async () => {
    const requests = restoreRequests(wedding, selection, { target: target.trim(), overwrite, from }, totals);
    setRehydrated(null);
    setPhase({ step: 'running', done: 0, total: c.files, startedAt: Date.now() });
    try {
      const results: RestoreSummary[] = [];
      for (const body of requests) results.push(await api.post('POST /api/restore', body));
      setPhase({ step: 'done', results });
    } catch (e) {
      setPhase({ step: 'error', message: (e as Error).message });
    }
  };

  /** Asks for the archived files of the last restore to be made readable (the restore is run again later). */
  const rehydrate = async (results: RestoreSummary[], speed: RetrievalSpeed) => {
    const archived = new Set(results.flatMap((r) => r.archived.map((a) => a.path)));
    let only: Selection = emptySelection;
    for (const [snap, files] of selection)
      only = toggle(
        only,
        snap,
        [...files.values()].filter((e) => archived.has(e.path)),
        true,
      );
    const out: RestoreSummary[] = [];
    try {
      for (const body of restoreRequests(wedding, only, {
        target: target.trim(),
        overwrite: false,
        from,
        rehydrate: speed,
      }))
        out.push(await api.post('POST /api/restore', body));
      setRehydrated(out);
      setRehydrateError(null);
    } catch (e) {
      setRehydrateError((e as Error).message);
    }
  };

  if (snapshots.state === 'error')
    return <ErrorState error={snapshots.error} retry={snapshots.reload} what="The snapshots" />;
  if (!snapshots.data) return <Loading label="Loading snapshots" rows={3} />;
  if (snapshots.data.length === 0)
    return (
      <Empty icon="clock" title="Nothing to restore yet">
        <p>
          {wedding.couple}’s files have no snapshot yet. One is written shortly after its files are stored;
          come back then.
        </p>
      </Empty>
    );

  if (phase.step === 'running')
    return (
      <section className="card" aria-labelledby="running-title">
        <h2 id="running-title">Restoring {plural(phase.total, 'file')}…</h2>
        <Progress
          value={phase.done > 0 && phase.total > 0 ? (phase.done / phase.total) * 100 : null}
          label="Restore progress"
        />
        <p data-testid="restore-eta">{restoreEta(phase)}</p>
        <p className="muted">
          Each file is checked against its SHA-256 checksum before it gets its name in <code>{target}</code>.
        </p>
      </section>
    );

  if (phase.step === 'done') {
    const results = rehydrated ?? phase.results;
    const archived = results.flatMap((r) => r.archived);
    return (
      <section className="card" aria-labelledby="done-title">
        <h2 id="done-title">Restore finished</h2>
        <RestoreResultView results={phase.results} target={target} />
        {archived.length > 0 && (
          <RehydratePanel
            archived={archived}
            sizes={sizes}
            onRequest={(speed) => rehydrate(phase.results, speed)}
          />
        )}
        {rehydrateError && (
          <p className="callout callout-bad" role="alert">
            <Icon name="alert" />
            <span>Rehydration could not be requested: {rehydrateError}</span>
          </p>
        )}
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              setPhase({ step: 'choose' });
              setRehydrated(null);
            }}
          >
            Restore more from this wedding
          </button>
          <a className="button button-quiet" href={href('wedding', wedding.id)}>
            Back to {wedding.couple}
          </a>
        </div>
      </section>
    );
  }

  return (
    <div className="grid grid-restore">
      <section className="card" aria-labelledby="what-title">
        <h2 id="what-title">What to restore</h2>
        <div className="tabs" role="tablist" aria-label="How to choose files">
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'browse'}
            className={mode === 'browse' ? 'tab active' : 'tab'}
            onClick={() => setMode('browse')}
          >
            Browse a snapshot
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'versions'}
            className={mode === 'versions' ? 'tab active' : 'tab'}
            onClick={() => setMode('versions')}
          >
            Find a file’s versions
          </button>
        </div>
        {mode === 'browse' && snapshot ? (
          <SnapshotBrowser
            weddingId={wedding.id}
            snapshots={snapshots.data}
            snapshot={snapshot}
            onSnapshot={setSnapshot}
            selection={selection}
            onSelect={setSelection}
            onLoaded={(id, n) => totals.set(id, n)}
          />
        ) : (
          <VersionFinder weddingId={wedding.id} selection={selection} onSelect={setSelection} />
        )}
      </section>
      <section className="card restore-side" aria-labelledby="where-title">
        <h2 id="where-title">Chosen</h2>
        <SelectionSummary selection={selection} onSelect={setSelection} />
        <h2>Where to</h2>
        <FolderField
          label="Restore into this folder"
          value={target}
          onChange={(v) => {
            setTarget(v);
            setTargetTouched(true);
          }}
          placeholder="/Users/you/Desktop/Restored"
          hint="Created if it does not exist. Folders inside the wedding are kept."
          required
        />
        {insideWatched && (
          <p className="callout callout-warn">
            <Icon name="alert" />
            <span>
              This folder is inside the watched folder <code>{insideWatched}</code>: restored files would be
              backed up again as new files.
            </span>
          </p>
        )}
        <label className="check">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          Replace files that already exist in the folder
        </label>
        {status && status.destinations.length > 1 && (
          <div className="field">
            <label htmlFor="from-select">Read from</label>
            <select id="from-select" value={from} onChange={(e) => setFrom(e.target.value)}>
              <option value="">The best available destination</option>
              {status.destinations
                .filter((d) => d.enabled)
                .map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name} first
                  </option>
                ))}
            </select>
          </div>
        )}
        {phase.step === 'error' && (
          <p className="callout callout-bad" role="alert">
            <Icon name="alert" />
            <span>The restore stopped: {phase.message}</span>
          </p>
        )}
        <button
          type="button"
          className="button button-primary button-large"
          disabled={c.files === 0 || target.trim() === ''}
          onClick={() => void run()}
        >
          <Icon name="restore" /> Restore {c.files > 0 ? plural(c.files, 'file') : ''}
        </button>
      </section>
    </div>
  );
}

/** Screen 4: restore a wedding, or some of its files, at any snapshot, into a folder. */
export function RestoreScreen({
  weddingId,
  snapshot,
}: {
  weddingId: number | null;
  snapshot: string | null;
}) {
  const { status } = useStatus();
  if (!status) return null;
  const weddings = status.weddings
    .map((w) => w.wedding)
    .filter((w): w is Wedding => w !== null)
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  const wedding = weddings.find((w) => w.id === weddingId) ?? null;
  return (
    <div className="screen">
      <h1>Restore</h1>
      {weddings.length === 0 ? (
        <Empty icon="restore" title="No wedding to restore yet">
          <p>Weddings appear here once Keepsake has backed them up.</p>
        </Empty>
      ) : (
        <>
          <div className="field field-inline">
            <label htmlFor="wedding-select">Wedding</label>
            <select
              id="wedding-select"
              value={wedding?.id ?? ''}
              onChange={(e) => navigate('restore', e.target.value)}
            >
              <option value="" disabled>
                Choose a wedding…
              </option>
              {weddings.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.couple} — {formatDay(w.date)}
                </option>
              ))}
            </select>
          </div>
          {wedding ? (
            <RestoreWedding key={wedding.id} wedding={wedding} initialSnapshot={snapshot} />
          ) : (
            <p className="muted">Choose the wedding to restore from.</p>
          )}
        </>
      )}
    </div>
  );
}
