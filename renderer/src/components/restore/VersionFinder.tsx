import { useMemo, useState } from 'react';
import type { FileVersion } from '../../../../shared/api/contract.js';
import { api } from '../../lib/api.js';
import { formatBytes, formatTime, plural, snapshotMoment } from '../../lib/format.js';
import { isSelected, toggle, type Selection } from '../../lib/selection.js';
import { useResource } from '../../lib/use-resource.js';
import { Icon } from '../Icon.js';
import { Empty, ErrorState, Loading } from '../States.js';

/** The versions of one file, newest first, each one addable to the restore. */
export function VersionList({
  versions,
  selection,
  onSelect,
}: {
  versions: FileVersion[];
  selection: Selection;
  onSelect: (s: Selection) => void;
}) {
  return (
    <ol className="versions">
      {versions.map((v, i) => {
        const snap = v.snapshots[0]!;
        const chosen = isSelected(selection, snap, v.path);
        const entry = {
          path: v.path,
          sha256: v.sha256,
          size: v.size,
          object: '',
          mtime: v.mtime,
          captureTime: v.captureTime,
        };
        return (
          <li key={v.sha256}>
            <div>
              <strong>{i === 0 ? 'Latest version' : `Earlier version ${versions.length - i}`}</strong>
              <div className="muted">
                {formatBytes(v.size)} · modified {formatTime(v.mtime)} · in{' '}
                {plural(v.snapshots.length, 'snapshot')} from {snapshotMoment(v.snapshots.at(-1)!)}
              </div>
              <code className="hash" title={v.sha256}>
                SHA-256 {v.sha256.slice(0, 16)}…
              </code>
            </div>
            <button
              type="button"
              className={`button ${chosen ? '' : 'button-primary'}`}
              aria-pressed={chosen}
              onClick={() => onSelect(toggle(selection, snap, [entry], !chosen))}
            >
              {chosen ? 'Chosen' : 'Restore this version'}
            </button>
          </li>
        );
      })}
    </ol>
  );
}

/** Pick a file first (from the latest snapshot), then one of its versions. */
export function VersionFinder({
  weddingId,
  selection,
  onSelect,
}: {
  weddingId: number;
  selection: Selection;
  onSelect: (s: Selection) => void;
}) {
  const [query, setQuery] = useState('');
  const [path, setPath] = useState<string | null>(null);
  const latest = useResource(
    () => api.get('GET /api/weddings/:id/snapshots/:snapshot', weddingId, 'latest'),
    `${weddingId}/latest`,
  );
  const versions = useResource<FileVersion[] | null>(
    () => (path ? api.get('GET /api/weddings/:id/versions/:path', weddingId, path) : Promise.resolve(null)),
    `${weddingId}/${path ?? ''}`,
  );
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!latest.data || !q) return [];
    return latest.data.manifest.files.filter((f) => f.path.toLowerCase().includes(q)).slice(0, 50);
  }, [latest.data, query]);
  if (latest.state === 'error')
    return <ErrorState error={latest.error} retry={latest.reload} what="The file list" />;
  if (!latest.data) return <Loading label="Reading the latest snapshot" rows={3} />;
  return (
    <div className="version-finder">
      <label className="search search-wide">
        <Icon name="search" />
        <span className="visually-hidden">Find a file</span>
        <input
          type="search"
          placeholder="Type part of a file name, e.g. IMG_0412"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setPath(null);
          }}
        />
      </label>
      {!path &&
        query.trim() !== '' &&
        (matches.length === 0 ? (
          <Empty icon="search" title="No file of the latest snapshot matches" />
        ) : (
          <ul className="matches">
            {matches.map((f) => (
              <li key={f.path}>
                <button type="button" className="link-button" onClick={() => setPath(f.path)}>
                  <Icon name="file" /> {f.path}
                </button>
                <span className="muted">{formatBytes(f.size)}</span>
              </li>
            ))}
          </ul>
        ))}
      {path && (
        <div className="card card-inset">
          <h3>
            <Icon name="file" /> {path}
          </h3>
          {versions.state === 'error' ? (
            <ErrorState error={versions.error} retry={versions.reload} what="The versions" />
          ) : !versions.data ? (
            <Loading label="Finding versions" rows={2} />
          ) : (
            <VersionList versions={versions.data} selection={selection} onSelect={onSelect} />
          )}
        </div>
      )}
    </div>
  );
}
