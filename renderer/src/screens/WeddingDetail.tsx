import { useMemo, useState } from 'react';
import type { SnapshotListing, VerifySummary, WeddingDetail } from '../../../shared/api/contract.js';
import type { DestinationStatus } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { AnalysisCard } from '../components/AnalysisCard.js';
import { Badge, ProtectionBadge } from '../components/Badge.js';
import { Icon } from '../components/Icon.js';
import { PolicyForm, PolicySummary } from '../components/PolicyCard.js';
import { Rule321Line } from '../components/Rule321.js';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { Thumbnail } from '../components/Thumbnail.js';
import { api } from '../lib/api.js';
import { useLiveEvent } from '../lib/events.js';
import { formatBytes, formatDay, formatTime, plural, snapshotMoment } from '../lib/format.js';
import { destinationBadge, rule321 } from '../lib/protection.js';
import { href } from '../lib/router.js';
import { useStatus } from '../lib/status.js';
import { useResource } from '../lib/use-resource.js';

type DetailFile = WeddingDetail['files'][number];

const STATE: Record<DetailFile['state'], { tone: 'ok' | 'warn' | 'bad' | 'neutral'; word: string }> = {
  protected: { tone: 'ok', word: 'Protected' },
  pending: { tone: 'warn', word: 'Pending' },
  // Tried three times and still retried: the row says why.
  failed: { tone: 'warn', word: 'Retrying' },
  skipped: { tone: 'neutral', word: 'Skipped' },
  deleted: { tone: 'neutral', word: 'Deleted from disk' },
};

/** Files grouped by their folder inside the wedding, folders in name order. */
export function groupByFolder(files: DetailFile[]): [string, DetailFile[]][] {
  const groups = new Map<string, DetailFile[]>();
  for (const f of files) {
    const i = f.relPath.lastIndexOf('/');
    const folder = i < 0 ? '' : f.relPath.slice(0, i);
    groups.set(folder, [...(groups.get(folder) ?? []), f]);
  }
  for (const list of groups.values()) list.sort((a, b) => a.relPath.localeCompare(b.relPath));
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const PAGE = 120;

/** One folder of the wedding: its files with previews, state and copies. */
function FolderFiles({
  folder,
  files,
  destinations,
}: {
  folder: string;
  files: DetailFile[];
  destinations: DestinationStatus[];
}) {
  const [shown, setShown] = useState(PAGE);
  return (
    <details className="folder" open>
      <summary>
        <Icon name="folder" /> <strong>{folder || 'Top level'}</strong>{' '}
        <span className="muted">
          {plural(files.length, 'file')} · {formatBytes(files.reduce((n, f) => n + f.size, 0))}
        </span>
      </summary>
      <ul className="files">
        {files.slice(0, shown).map((f) => {
          const name = f.relPath.slice(f.relPath.lastIndexOf('/') + 1);
          const s = STATE[f.state];
          return (
            <li key={f.id} className="file" data-testid="file-row">
              <Thumbnail fileId={f.id} name={name} />
              <div className="file-text">
                <span className="file-name" title={f.path}>
                  {name}
                </span>
                <span className="muted">
                  {formatBytes(f.size)}
                  {f.captureTime ? ` · taken ${formatTime(f.captureTime)}` : ''}
                </span>
                {f.error && <span className="file-error">{f.error}</span>}
              </div>
              <Badge tone={s.tone}>{s.word}</Badge>
              <ul className="copies" aria-label={`Copies of ${name}`}>
                {destinations.map((d) => {
                  const has = f.copies.includes(d.name);
                  return (
                    <li key={d.name} className={has ? 'copy-yes' : 'copy-no'}>
                      <Icon name={has ? 'check' : 'cross'} />
                      <span>
                        {d.name}
                        <span className="visually-hidden">{has ? ': stored' : ': no copy'}</span>
                      </span>
                    </li>
                  );
                })}
              </ul>
            </li>
          );
        })}
      </ul>
      {files.length > shown && (
        <button type="button" className="button button-quiet" onClick={() => setShown((n) => n + PAGE * 4)}>
          Show {plural(Math.min(files.length - shown, PAGE * 4), 'more file')}
        </button>
      )}
    </details>
  );
}

/** The snapshots of a wedding, newest first, each one browsable for a restore. */
export function SnapshotTimeline({
  weddingId,
  snapshots,
}: {
  weddingId: number;
  snapshots: SnapshotListing[];
}) {
  if (snapshots.length === 0)
    return (
      <Empty icon="clock" title="No snapshot yet">
        <p>
          A snapshot records the wedding as it is, a little after its files are stored. It appears here then.
        </p>
      </Empty>
    );
  return (
    <ol className="timeline">
      {snapshots.map((s, i) => (
        <li key={s.id}>
          <span className="timeline-dot" aria-hidden="true" />
          <div className="timeline-when">
            <strong>{snapshotMoment(s.id)}</strong> {i === 0 && <Badge tone="info">Latest</Badge>}
          </div>
          <div className="muted">
            On {s.destinations.join(' and ')}
            {s.deviceName ? `, made on ${s.deviceName}` : ''}
          </div>
          <a href={href('restore', weddingId, s.id)}>Browse and restore this version</a>
        </li>
      ))}
    </ol>
  );
}

function VerifyButton() {
  const [state, setState] = useState<{ busy: boolean; result?: VerifySummary; error?: string }>({
    busy: false,
  });
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ busy: false, result: await api.post('POST /api/verify', { percent: 100 }) });
    } catch (e) {
      setState({ busy: false, error: (e as Error).message });
    }
  };
  const r = state.result;
  return (
    <div className="verify">
      <button type="button" className="button" onClick={run} disabled={state.busy}>
        <Icon name="shield" /> {state.busy ? 'Verifying…' : 'Verify now'}
      </button>
      {r && (
        <p role="status" className={r.missing + r.corrupt === 0 ? 'tone-ok' : 'tone-bad'}>
          {r.missing + r.corrupt === 0
            ? `Checked ${plural(r.checked, 'stored copy', 'stored copies')} on every destination: all intact.`
            : `${plural(r.missing, 'copy', 'copies')} missing and ${r.corrupt} damaged out of ${r.checked}; ${plural(r.requeued, 'file')} queued to be stored again.`}
        </p>
      )}
      {state.error && (
        <p role="alert" className="tone-bad">
          Verify failed: {state.error}
        </p>
      )}
    </div>
  );
}

/** A short fingerprint of a wedding's counts: when it changes, the file list is loaded again. */
function countsKey(w: WeddingStatus | undefined): string {
  return w ? `${w.files}/${w.protected}/${w.pending}/${w.failed}/${JSON.stringify(w.copies)}` : '';
}

/** Screen 3: one wedding's folders, files with previews and copies, its snapshots, verify and restore. */
export function WeddingDetailScreen({ id }: { id: number }) {
  const { status } = useStatus();
  const ws = status?.weddings.find((w) => w.wedding?.id === id);
  const detail = useResource(() => api.get('GET /api/weddings/:id', id), `${id}`, countsKey(ws));
  const snapshots = useResource(() => api.get('GET /api/weddings/:id/snapshots', id), `${id}`);
  const analysis = useResource(() => api.get('GET /api/weddings/:id/analysis', id), `${id}`);
  useLiveEvent(['snapshot'], () => snapshots.reload());
  const policy = useResource(
    () => api.get('GET /api/weddings/:id/policy', id),
    `${id}`,
    `${countsKey(ws)}/${ws?.belowTarget ?? ''}/${ws?.policy?.why ?? ''}`,
  );
  const groups = useMemo(() => (detail.data ? groupByFolder(detail.data.files) : []), [detail.data]);
  if (!Number.isInteger(id)) return <ErrorState error={new Error('No such wedding.')} what="This wedding" />;
  if (detail.state === 'error' && !detail.data)
    return <ErrorState error={detail.error} retry={detail.reload} what="This wedding" />;
  if (!detail.data || !status) return <Loading label="Loading the wedding" rows={5} />;
  const { wedding, files } = detail.data;
  const destinations = status.destinations;
  return (
    <div className="screen">
      <p className="crumbs">
        <a href={href('weddings')}>Weddings</a> / {wedding.couple}
      </p>
      <div className="screen-head">
        <div>
          <h1>{wedding.couple}</h1>
          <p className="muted">
            {formatDay(wedding.date)} · {plural(files.length, 'file')} ·{' '}
            {formatBytes(files.reduce((n, f) => n + f.size, 0))}
          </p>
        </div>
        <div className="actions">
          <VerifyButton />
          <a className="button button-primary" href={href('restore', wedding.id)}>
            <Icon name="restore" /> Restore
          </a>
        </div>
      </div>
      {ws && (
        <section className="card" aria-labelledby="prot-title">
          <h2 id="prot-title">Protection</h2>
          <ul className="dest-badges">
            {destinations.map((d) => (
              <li key={d.name}>
                <span>{d.name}</span>{' '}
                <ProtectionBadge
                  destination={d.name}
                  badge={destinationBadge(ws, d, policy.data?.requiredDestinations)}
                />
              </li>
            ))}
          </ul>
          <p>
            <Rule321Line rule={rule321(ws, destinations)} detailed />
          </p>
          <p className="muted">
            Folders:{' '}
            {wedding.folders.map((f) => (
              <code key={f}>{f}</code>
            ))}
          </p>
        </section>
      )}
      <section className="card" aria-labelledby="analysis-title">
        <h2 id="analysis-title">What was shot</h2>
        {analysis.state === 'error' && !analysis.data ? (
          <ErrorState error={analysis.error} retry={analysis.reload} what="This wedding’s analysis" />
        ) : !analysis.data ? (
          <Loading label="Reading what was shot" rows={2} />
        ) : (
          <AnalysisCard analysis={analysis.data} />
        )}
      </section>
      <section className="card" aria-labelledby="policy-title">
        <h2 id="policy-title">Protection policy</h2>
        {policy.state === 'error' && !policy.data ? (
          <ErrorState error={policy.error} retry={policy.reload} what="This wedding’s policy" />
        ) : !policy.data ? (
          <Loading label="Loading the policy" rows={2} />
        ) : (
          <div className="grid grid-two">
            <PolicySummary policy={policy.data} />
            <PolicyForm
              policy={policy.data}
              onSave={async (change) => {
                const next = await api.post('POST /api/weddings/:id/policy', change, id);
                policy.reload();
                return next;
              }}
            />
          </div>
        )}
      </section>
      <div className="grid grid-detail">
        <section className="card" aria-labelledby="files-title">
          <h2 id="files-title">Files</h2>
          {files.length === 0 ? (
            <Empty icon="file" title="No files in this wedding yet" />
          ) : (
            groups.map(([folder, list]) => (
              <FolderFiles key={folder} folder={folder} files={list} destinations={destinations} />
            ))
          )}
        </section>
        <section className="card" aria-labelledby="snap-title">
          <div className="card-head">
            <h2 id="snap-title">Snapshots</h2>
            <button type="button" className="button button-quiet" onClick={snapshots.reload}>
              <Icon name="refresh" /> Refresh
            </button>
          </div>
          {snapshots.state === 'error' ? (
            <ErrorState error={snapshots.error} retry={snapshots.reload} what="The snapshots" />
          ) : !snapshots.data ? (
            <Loading label="Loading snapshots" rows={2} />
          ) : (
            <SnapshotTimeline weddingId={wedding.id} snapshots={snapshots.data} />
          )}
        </section>
      </div>
    </div>
  );
}
