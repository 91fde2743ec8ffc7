import { useMemo, useState } from 'react';
import type { SnapshotContents, SnapshotListing } from '../../../../shared/api/contract.js';
import { api } from '../../lib/api.js';
import { formatBytes, plural, snapshotMoment } from '../../lib/format.js';
import { foldersOf, isSelected, toggle, type Selection } from '../../lib/selection.js';
import { useResource } from '../../lib/use-resource.js';
import { Icon } from '../Icon.js';
import { Empty, ErrorState, Loading } from '../States.js';

/** Checkbox that can show "some selected" (a folder with part of its files chosen). */
function TriCheckbox({
  checked,
  mixed,
  onChange,
  label,
}: {
  checked: boolean;
  mixed: boolean;
  onChange: (on: boolean) => void;
  label: string;
}) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={checked}
      aria-checked={mixed ? 'mixed' : checked}
      ref={(el) => {
        if (el) el.indeterminate = mixed;
      }}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}

/** The files of one snapshot, by folder, with checkboxes. */
export function SnapshotFiles({
  contents,
  selection,
  onSelect,
}: {
  contents: SnapshotContents;
  selection: Selection;
  onSelect: (s: Selection) => void;
}) {
  const [filter, setFilter] = useState('');
  const id = contents.snapshot.id;
  const entries = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q
      ? contents.manifest.files.filter((e) => e.path.toLowerCase().includes(q))
      : contents.manifest.files;
  }, [contents, filter]);
  const folders = useMemo(() => foldersOf(entries), [entries]);
  const chosen = entries.filter((e) => isSelected(selection, id, e.path)).length;
  return (
    <div className="snapshot-files">
      <div className="toolbar">
        <label className="search">
          <Icon name="search" />
          <span className="visually-hidden">Filter files</span>
          <input
            type="search"
            placeholder="Filter by name, e.g. .CR3 or ceremony"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <label className="check">
          <TriCheckbox
            label="Select every file shown"
            checked={entries.length > 0 && chosen === entries.length}
            mixed={chosen > 0 && chosen < entries.length}
            onChange={(on) => onSelect(toggle(selection, id, entries, on))}
          />
          Select all {filter ? 'shown' : ''} ({plural(entries.length, 'file')})
        </label>
      </div>
      {entries.length === 0 ? (
        <Empty icon="search" title="No file matches" />
      ) : (
        <ul className="tree">
          {folders.map(([folder, list]) => {
            const n = list.filter((e) => isSelected(selection, id, e.path)).length;
            return (
              <li key={folder}>
                <label className="check tree-folder">
                  <TriCheckbox
                    label={`Select the folder ${folder || 'top level'}`}
                    checked={n === list.length}
                    mixed={n > 0 && n < list.length}
                    onChange={(on) => onSelect(toggle(selection, id, list, on))}
                  />
                  <Icon name="folder" /> <strong>{folder || 'Top level'}</strong>
                  <span className="muted">{plural(list.length, 'file')}</span>
                </label>
                <ul>
                  {list.map((e) => (
                    <li key={e.path}>
                      <label className="check">
                        <input
                          type="checkbox"
                          checked={isSelected(selection, id, e.path)}
                          onChange={(ev) => onSelect(toggle(selection, id, [e], ev.target.checked))}
                        />
                        <span className="tree-name">{e.path.slice(e.path.lastIndexOf('/') + 1)}</span>
                        <span className="muted">{formatBytes(e.size)}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** Browse a wedding as it was at a chosen snapshot. */
export function SnapshotBrowser({
  weddingId,
  snapshots,
  snapshot,
  onSnapshot,
  selection,
  onSelect,
  onLoaded,
}: {
  weddingId: number;
  snapshots: SnapshotListing[];
  snapshot: string;
  onSnapshot: (id: string) => void;
  selection: Selection;
  onSelect: (s: Selection) => void;
  /** Told the number of files of each snapshot read, so a snapshot chosen whole is restored whole. */
  onLoaded?: (snapshot: string, files: number) => void;
}) {
  const contents = useResource(
    () =>
      api.get('GET /api/weddings/:id/snapshots/:snapshot', weddingId, snapshot).then((c) => {
        onLoaded?.(c.snapshot.id, c.manifest.files.length);
        return c;
      }),
    `${weddingId}/${snapshot}`,
  );
  return (
    <div>
      <div className="field">
        <label htmlFor="snapshot-select">As it was at</label>
        <select id="snapshot-select" value={snapshot} onChange={(e) => onSnapshot(e.target.value)}>
          {snapshots.map((s, i) => (
            <option key={s.id} value={s.id}>
              {snapshotMoment(s.id)}
              {i === 0 ? ' (latest)' : ''} — on {s.destinations.join(', ')}
              {s.deviceName ? `, made on ${s.deviceName}` : ''}
            </option>
          ))}
        </select>
      </div>
      {contents.state === 'error' ? (
        <ErrorState error={contents.error} retry={contents.reload} what="This snapshot" />
      ) : contents.state === 'loading' || !contents.data ? (
        <Loading label="Reading the snapshot" rows={4} />
      ) : (
        <SnapshotFiles contents={contents.data} selection={selection} onSelect={onSelect} />
      )}
    </div>
  );
}
