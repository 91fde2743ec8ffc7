import { useMemo, useState } from 'react';
import type { DestinationStatus } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { ProtectionBadge } from '../components/Badge.js';
import { Icon } from '../components/Icon.js';
import { Rule321Line } from '../components/Rule321.js';
import { Empty } from '../components/States.js';
import { formatBytes, formatCount, formatDay } from '../lib/format.js';
import { destinationBadge, rule321 } from '../lib/protection.js';
import { href } from '../lib/router.js';
import { useStatus } from '../lib/status.js';

/** The weddings table: newest first, one protection badge per destination, the 3-2-1 state in words. */
export function WeddingsTable({
  weddings,
  destinations,
}: {
  weddings: WeddingStatus[];
  destinations: DestinationStatus[];
}) {
  return (
    <div className="table-wrap">
      <table className="table weddings-table">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Couple</th>
            <th scope="col" className="num">
              Files
            </th>
            <th scope="col" className="num">
              Size
            </th>
            {destinations.map((d) => (
              <th scope="col" key={d.name}>
                {d.name}
              </th>
            ))}
            <th scope="col">3-2-1</th>
          </tr>
        </thead>
        <tbody>
          {weddings.map((w) => (
            <tr key={w.wedding?.id ?? 'unassigned'} data-testid="wedding-row">
              <td className="nowrap">{w.wedding ? formatDay(w.wedding.date) : '—'}</td>
              <th scope="row">
                {w.wedding ? (
                  <a href={href('wedding', w.wedding.id)}>{w.wedding.couple}</a>
                ) : (
                  <span title="Files whose wedding could not be decided from their folder or capture date">
                    Unassigned files
                  </span>
                )}
              </th>
              <td className="num">{formatCount(w.files)}</td>
              <td className="num nowrap">{formatBytes(w.bytes)}</td>
              {destinations.map((d) => (
                <td key={d.name}>
                  <ProtectionBadge destination={d.name} badge={destinationBadge(w, d)} />
                </td>
              ))}
              <td>
                <Rule321Line rule={rule321(w, destinations)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Screen 2: every wedding with its protection at a glance, searchable. */
export function WeddingsScreen() {
  const { status } = useStatus();
  const [query, setQuery] = useState('');
  const rows = useMemo(() => {
    if (!status) return [];
    const q = query.trim().toLowerCase();
    const list = [...status.weddings].sort((a, b) =>
      (b.wedding?.date ?? '').localeCompare(a.wedding?.date ?? ''),
    );
    const all = status.unassigned ? [...list, status.unassigned] : list;
    return q
      ? all.filter((w) =>
          `${w.wedding?.couple ?? 'unassigned'} ${w.wedding?.date ?? ''} ${w.wedding?.slug ?? ''}`
            .toLowerCase()
            .includes(q),
        )
      : all;
  }, [status, query]);
  if (!status) return null;
  const total = status.weddings.length + (status.unassigned ? 1 : 0);
  return (
    <div className="screen">
      <div className="screen-head">
        <h1>Weddings</h1>
        {total > 0 && (
          <label className="search">
            <Icon name="search" />
            <span className="visually-hidden">Find a wedding</span>
            <input
              type="search"
              placeholder="Find a couple or a date"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </label>
        )}
      </div>
      {total === 0 ? (
        <Empty icon="camera" title="No weddings yet">
          <p>
            Each folder inside a watched weddings folder becomes a wedding, e.g.{' '}
            <code>2026-06-14 Smith &amp; Jones</code>. <a href={href('welcome')}>Show me how</a>.
          </p>
        </Empty>
      ) : rows.length === 0 ? (
        <Empty icon="search" title={`No wedding matches “${query}”`} />
      ) : (
        <WeddingsTable weddings={rows} destinations={status.destinations} />
      )}
    </div>
  );
}
