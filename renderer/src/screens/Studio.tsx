import type { StudioView } from '../../../shared/model/studio.js';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { api } from '../lib/api.js';
import { formatBytes, formatCount, formatTime, plural } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';

/** A table's header row; a column named `#Name` holds numbers (right-aligned). */
function Head({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          c.startsWith('#') ? (
            <th key={c} scope="col" className="num">
              {c.slice(1)}
            </th>
          ) : (
            <th key={c} scope="col">
              {c}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/** The laptops sharing the destination and the weddings each stored, as the destination itself says. */
export function StudioTables({ view }: { view: StudioView }) {
  if (view.devices.length === 0)
    return (
      <Empty icon="destinations" title={`No laptop has stored a snapshot on ${view.destination} yet`}>
        <p>Once this laptop or another one of the studio backs up there, it shows here.</p>
      </Empty>
    );
  return (
    <>
      <section className="card" aria-labelledby="studio-devices">
        <h2 id="studio-devices">Laptops on {view.destination}</h2>
        <div className="table-wrap">
          <table className="table">
            <Head columns={['Laptop', 'Last snapshot', '#Weddings', '#Files', '#Size']} />
            <tbody>
              {view.devices.map((d) => (
                <tr key={d.id} data-testid="studio-device">
                  <td>
                    <strong>{d.name}</strong>
                  </td>
                  <td className="nowrap">{formatTime(d.lastSnapshot)}</td>
                  <td className="num">{d.weddings}</td>
                  <td className="num">{formatCount(d.files)}</td>
                  <td className="num nowrap">{formatBytes(d.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-labelledby="studio-weddings">
        <h2 id="studio-weddings">Weddings</h2>
        <div className="table-wrap">
          <table className="table">
            <Head columns={['Wedding', 'From', '#Files', '#Size', '#Destinations']} />
            <tbody>
              {view.weddings.map((w) => (
                <tr key={w.slug} data-testid="studio-wedding">
                  <td>
                    <strong>{w.couple}</strong>
                    <div className="muted">{w.date ?? 'no date'}</div>
                  </td>
                  <td>{w.devices.map((d) => `${d.name} (${plural(d.files, 'file')})`).join(', ')}</td>
                  <td className="num">{formatCount(w.files)}</td>
                  <td className="num nowrap">{formatBytes(w.bytes)}</td>
                  <td className="num">{w.destinations}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {view.damaged.map((d) => (
        <p key={d.key} className="callout callout-warn" role="alert">
          {d.key} cannot be read ({d.reason}): that laptop is missing above.
        </p>
      ))}
    </>
  );
}

/** Screen: the studio, every laptop sharing this laptop's first destination that answers. */
export function StudioScreen() {
  const studio = useResource(() => api.get('GET /api/studio'), 'studio');
  return (
    <div className="screen">
      <h1>Studio</h1>
      <p className="muted">
        Every laptop that backs up to the same destination, and what each one stored there, read from the
        destination itself. A file two laptops hold counts for each.
      </p>
      {studio.state === 'error' ? (
        <ErrorState error={studio.error} retry={studio.reload} what="The studio view" />
      ) : !studio.data ? (
        <Loading rows={4} />
      ) : (
        <StudioTables view={studio.data} />
      )}
    </div>
  );
}
