import { useState, type ReactNode } from 'react';
import type { StatusReport } from '../../../shared/model/status.js';
import { ProtectionBadge } from '../components/Badge.js';
import { DestinationForm } from '../components/DestinationForm.js';
import { FolderForm } from '../components/FolderForm.js';
import { Icon } from '../components/Icon.js';
import { Progress } from '../components/Progress.js';
import { RecoveryKeyNotice } from '../components/RecoveryKey.js';
import { Loading } from '../components/States.js';
import { api } from '../lib/api.js';
import { formatBytes, percent, plural } from '../lib/format.js';
import { joinPath } from '../lib/paths.js';
import { destinationBadge, needed } from '../lib/protection.js';
import { href } from '../lib/router.js';
import { useStatus } from '../lib/status.js';
import { useResource } from '../lib/use-resource.js';

function Step({
  n,
  title,
  done,
  current,
  children,
}: {
  n: number;
  title: string;
  done: boolean;
  current: boolean;
  children: ReactNode;
}) {
  return (
    <li
      className={`step ${done ? 'step-done' : current ? 'step-current' : 'step-later'}`}
      aria-current={current ? 'step' : undefined}
    >
      <span className="step-number" aria-hidden="true">
        {done ? <Icon name="check" /> : n}
      </span>
      <div className="step-body">
        <h2>
          {title}
          {done && <span className="visually-hidden"> (done)</span>}
        </h2>
        {children}
      </div>
    </li>
  );
}

/** Step 3: weddings appearing and getting protected, live. */
function WatchItProtect({ status, folder }: { status: StatusReport; folder: string | undefined }) {
  const weddings = status.weddings.slice(0, 3);
  const done = status.weddings.find((w) => needed(w) > 0 && w.protected >= needed(w));
  if (weddings.length === 0)
    return (
      <div>
        <p>
          Copy a wedding folder into {folder ? <code>{folder}</code> : 'your watched folder'}, for example{' '}
          <code>2026-06-14 Smith &amp; Jones</code>. Keepsake notices it within seconds and starts copying.
        </p>
        <p className="waiting" role="status">
          <span className="live-dot" aria-hidden="true" /> Waiting for the first wedding…
        </p>
      </div>
    );
  return (
    <div>
      <ul className="welcome-weddings">
        {weddings.map((w) => {
          const n = needed(w);
          return (
            <li key={w.wedding?.id} data-testid="welcome-wedding">
              <div className="card-head">
                <strong>{w.wedding?.couple}</strong>
                <span className="muted">
                  {plural(w.files, 'file')} · {formatBytes(w.bytes)}
                </span>
              </div>
              <Progress value={percent(w.protected, n)} label={`${w.wedding?.couple} protected`} tone="ok" />
              <ul className="dest-badges">
                {status.destinations.map((d) => (
                  <li key={d.name}>
                    <span>{d.name}</span>{' '}
                    <ProtectionBadge destination={d.name} badge={destinationBadge(w, d)} />
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
      {done && (
        <div className="callout callout-ok" role="status" data-testid="first-protected">
          <Icon name="shield" />
          <div>
            <strong>
              {done.wedding?.couple} is protected: {plural(done.files - done.skipped, 'file')} on{' '}
              {plural(Object.values(done.copies).filter((c) => c >= needed(done)).length, 'destination')},
              each copy verified.
            </strong>
            <p>From now on Keepsake protects every new wedding on its own.</p>
            <a className="button button-primary" href={href('overview')}>
              Go to the overview
            </a>
          </div>
        </div>
      )}
    </div>
  );
}

/** First run: from nothing to a protected wedding: a folder, a destination, then watch it protect. */
export function WelcomeScreen() {
  const { status, reload } = useStatus();
  const folders = useResource(() => api.get('GET /api/folders'), 'folders');
  // Kept here: the destination form goes away once a destination is added, the key must stay shown.
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const added = (d: { recoveryKey?: string }) => {
    if (d.recoveryKey) setRecoveryKey(d.recoveryKey);
    reload();
  };
  if (!status || !folders.data) return <Loading rows={4} />;
  const hasFolder = folders.data.length > 0;
  const hasDest = status.destinations.length > 0;
  const folder = folders.data.find((f) => f.kind === 'weddings')?.path ?? folders.data[0]?.path;
  return (
    <div className="screen welcome">
      <h1>Welcome to Keepsake</h1>
      <p className="lead">
        Every photo, verified, in at least two independent places. Three steps and your first wedding is safe.
      </p>
      <ol className="steps-list">
        <Step n={1} title="Choose the folder where your weddings live" done={hasFolder} current={!hasFolder}>
          {hasFolder ? (
            <ul className="plain">
              {folders.data.map((f) => (
                <li key={f.path}>
                  <Icon name="folder" /> Watching <code>{f.path}</code>
                </li>
              ))}
            </ul>
          ) : (
            <FolderForm onAdded={() => folders.reload()} />
          )}
        </Step>
        <Step n={2} title="Choose where the copies go" done={hasDest} current={hasFolder && !hasDest}>
          {recoveryKey && <RecoveryKeyNotice recoveryKey={recoveryKey} onDone={() => setRecoveryKey(null)} />}
          {hasDest ? (
            <>
              <ul className="plain">
                {status.destinations.map((d) => (
                  <li key={d.name}>
                    <Icon name={d.kind === 'local' ? 'disk' : 'cloud'} /> <strong>{d.name}</strong>{' '}
                    <code>{d.location}</code>
                  </li>
                ))}
              </ul>
              {status.destinations.length === 1 && (
                <details className="later">
                  <summary>Add a second place (recommended: an external drive, a NAS or a cloud)</summary>
                  <DestinationForm onAdded={added} simple />
                </details>
              )}
            </>
          ) : (
            <>
              <p className="muted">
                A local vault is suggested to start with; add an external drive or a cloud next so every photo
                is in two places.
              </p>
              <DestinationForm
                initial={{ name: 'Vault', path: joinPath(status.home, 'Vault') }}
                onAdded={added}
                simple
              />
            </>
          )}
        </Step>
        <Step
          n={3}
          title="Watch it protect your first wedding"
          done={status.weddings.some((w) => needed(w) > 0 && w.protected >= needed(w))}
          current={hasFolder && hasDest}
        >
          {hasFolder && hasDest ? (
            <WatchItProtect status={status} folder={folder} />
          ) : (
            <p className="muted">
              Once a folder and a destination are set, your weddings appear here as they are copied.
            </p>
          )}
        </Step>
      </ol>
      <p>
        <a href={href('overview')}>Skip to the overview</a>
      </p>
    </div>
  );
}
