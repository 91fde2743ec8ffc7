import { useState } from 'react';
import type { ConnectionTest } from '../../../shared/api/contract.js';
import type { DestinationStatus } from '../../../shared/model/status.js';
import { Badge } from '../components/Badge.js';
import { ConnectionTestView } from '../components/ConnectionTest.js';
import { DestinationForm } from '../components/DestinationForm.js';
import { FolderForm } from '../components/FolderForm.js';
import { HealthBadge, HealthHistory } from '../components/Health.js';
import { Icon } from '../components/Icon.js';
import { RecoveryKeyNotice } from '../components/RecoveryKey.js';
import { Empty, ErrorState, Loading, SaveResult } from '../components/States.js';
import { api } from '../lib/api.js';
import { formatTime, plural } from '../lib/format.js';
import { healthOf, useHealthReports, type HealthView } from '../lib/health.js';
import { useStatus } from '../lib/status.js';
import { useResource } from '../lib/use-resource.js';

/** One destination: where, health with history, and test, edit, remove. */
export function DestinationCard({
  d,
  health,
  onChanged,
}: {
  d: DestinationStatus;
  health: HealthView;
  onChanged: () => void;
}) {
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [tags, setTags] = useState('');
  const [message, setMessage] = useState<{ error?: string; ok?: string } | null>(null);
  /** A change of this destination: the engine saves it and restarts its work before it answers. */
  const act = async (what: string, fn: () => Promise<string>) => {
    setBusy(what);
    setMessage(null);
    try {
      setMessage({ ok: await fn() });
      onChanged();
    } catch (e) {
      setMessage({ error: (e as Error).message });
    } finally {
      setBusy(null);
    }
  };
  return (
    <li className="card dest-card" data-testid="destination-card">
      <div className="card-head">
        <h3>
          <Icon name={d.kind === 'local' ? 'disk' : 'cloud'} /> {d.name}
        </h3>
        <HealthBadge health={health} />
      </div>
      <p className="muted">
        <code>{d.location}</code> · {d.kind === 'local' ? 'folder' : d.kind.toUpperCase()} ·{' '}
        {plural(d.objects, 'object')} stored
      </p>
      {d.onLaptop && (
        <p className="muted" data-testid="on-laptop">
          <Badge tone="warn">On this laptop’s disk</Badge> Its copies are lost with the laptop: they do not
          count as protection. Add an external drive, a NAS or a cloud as well.
        </p>
      )}
      <p>
        {health.reason}
        {health.since !== null && <span className="muted"> since {formatTime(health.since)}</span>}
      </p>
      <HealthHistory health={health} />
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={async () => {
            setBusy('test');
            setTest(null);
            try {
              setTest(await api.post('POST /api/destinations/test', { name: d.name }));
            } catch (e) {
              setMessage({ error: (e as Error).message });
            } finally {
              setBusy(null);
            }
          }}
        >
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button
          type="button"
          className="button button-quiet"
          aria-expanded={editing}
          onClick={() => setEditing((x) => !x)}
        >
          Edit
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={busy !== null}
          onClick={() => {
            if (!window.confirm(`Stop backing up to ${d.name}? What is stored there stays there.`)) return;
            void act(
              'Removing a destination',
              async () =>
                `Removed ${(await api.post('POST /api/destinations/remove', { name: d.name })).removed}.`,
            );
          }}
        >
          Remove
        </button>
      </div>
      {editing && (
        <form
          className="form form-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void act('Editing a destination', async () => {
              await api.post('POST /api/destinations/update', {
                name: d.name,
                regionTags: tags
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean),
              });
              return 'Saved.';
            });
          }}
        >
          <label className="check">
            <input
              type="checkbox"
              defaultChecked={d.enabled}
              onChange={(e) =>
                void act(e.target.checked ? 'Enabling' : 'Disabling', async () => {
                  await api.post('POST /api/destinations/update', {
                    name: d.name,
                    enabled: e.target.checked,
                  });
                  return e.target.checked ? 'Enabled.' : 'Disabled: nothing new is sent here.';
                })
              }
            />
            Send new backups here
          </label>
          <div className="field">
            <label htmlFor={`tags-${d.name}`}>Region tags</label>
            <input
              id={`tags-${d.name}`}
              value={tags}
              placeholder="e.g. EU"
              onChange={(e) => setTags(e.target.value)}
            />
          </div>
          <button type="submit" className="button">
            Save tags
          </button>
        </form>
      )}
      {test && <ConnectionTestView test={test} />}
      <SaveResult note={message} />
    </li>
  );
}

/** Screen 6: where backups go and which folders are watched. */
export function DestinationsScreen() {
  const { status, reload } = useStatus();
  const { reports, served } = useHealthReports();
  const folders = useResource(() => api.get('GET /api/folders'), 'folders');
  const [adding, setAdding] = useState<'destination' | 'folder' | null>(null);
  const [removal, setRemoval] = useState<{ path: string; error: string } | null>(null);
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  if (!status) return null;
  return (
    <div className="screen">
      <div className="screen-head">
        <h1>Destinations &amp; folders</h1>
      </div>
      <section aria-labelledby="dests-title">
        <div className="section-head">
          <h2 id="dests-title">Destinations</h2>
          <button
            type="button"
            className="button button-primary"
            aria-expanded={adding === 'destination'}
            onClick={() => setAdding(adding === 'destination' ? null : 'destination')}
          >
            <Icon name="plus" /> Add a destination
          </button>
        </div>
        {adding === 'destination' && (
          <div className="card">
            <DestinationForm
              onAdded={(added) => {
                if (added.recoveryKey) setRecoveryKey(added.recoveryKey);
                reload();
              }}
            />
          </div>
        )}
        {recoveryKey && <RecoveryKeyNotice recoveryKey={recoveryKey} onDone={() => setRecoveryKey(null)} />}
        {status.destinations.length === 0 ? (
          <Empty icon="destinations" title="No destination yet">
            <p>Add an external drive, a NAS or a cloud bucket: your photos are copied there and verified.</p>
          </Empty>
        ) : (
          <ul className="dest-cards">
            {status.destinations.map((d) => (
              <DestinationCard key={d.name} d={d} health={healthOf(d, reports)} onChanged={reload} />
            ))}
          </ul>
        )}
        {!served && (
          <p className="muted small">
            Health here is whether each destination answered the last status check; a health history arrives
            with the health monitor.
          </p>
        )}
      </section>
      <section aria-labelledby="folders-title">
        <div className="section-head">
          <h2 id="folders-title">Watched folders</h2>
          <button
            type="button"
            className="button"
            aria-expanded={adding === 'folder'}
            onClick={() => setAdding(adding === 'folder' ? null : 'folder')}
          >
            <Icon name="plus" /> Add a folder
          </button>
        </div>
        {adding === 'folder' && (
          <div className="card">
            <FolderForm onAdded={folders.reload} />
          </div>
        )}
        {folders.state === 'error' ? (
          <ErrorState error={folders.error} retry={folders.reload} what="The folder list" />
        ) : !folders.data ? (
          <Loading rows={2} />
        ) : folders.data.length === 0 ? (
          <Empty icon="folder" title="No watched folder">
            <p>
              Keepsake protects what is in the folders it watches. Add the folder where your weddings live.
            </p>
          </Empty>
        ) : (
          <ul className="card folder-list">
            {folders.data.map((f) => (
              <li key={f.path}>
                <Icon name="folder" />
                <div>
                  <code>{f.path}</code>
                  <div className="muted">
                    {f.kind === 'weddings'
                      ? 'One sub-folder per wedding'
                      : 'Loose imports, sorted by capture date'}
                  </div>
                </div>
                <button
                  type="button"
                  className="button button-quiet"
                  onClick={async () => {
                    if (
                      !window.confirm(
                        `Stop watching ${f.path}? Its backed-up files stay in your destinations.`,
                      )
                    )
                      return;
                    try {
                      await api.post('POST /api/folders/remove', { path: f.path });
                      setRemoval(null);
                      folders.reload();
                    } catch (e) {
                      setRemoval({ path: f.path, error: (e as Error).message });
                    }
                  }}
                >
                  Stop watching
                </button>
              </li>
            ))}
          </ul>
        )}
        {removal && (
          <p className="callout callout-bad" role="alert">
            {removal.error}
          </p>
        )}
      </section>
    </div>
  );
}
