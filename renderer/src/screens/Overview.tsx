import type { FailoverSummary, StatusReport } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { Badge } from '../components/Badge.js';
import { HealthBadge } from '../components/Health.js';
import { Icon } from '../components/Icon.js';
import { Progress } from '../components/Progress.js';
import { QueueCard } from '../components/QueueCard.js';
import { RecentFiles } from '../components/RecentFiles.js';
import { Empty } from '../components/States.js';
import { formatBytes, formatDay, formatElapsed, formatTime, percent, plural } from '../lib/format.js';
import { healthOf, useHealthReports } from '../lib/health.js';
import { byRisk, needed, overall, riskOf } from '../lib/protection.js';
import { href } from '../lib/router.js';
import { useStatus } from '../lib/status.js';

function weddingName(w: WeddingStatus): string {
  return w.wedding ? w.wedding.couple : 'Unassigned files';
}

/** The overall protected share: a big number and one sentence. */
export function ProtectedShare({ status }: { status: StatusReport }) {
  const all = overall([...status.weddings, ...(status.unassigned ? [status.unassigned] : [])]);
  const share = percent(all.protected, all.needed);
  return (
    <section className="card share" aria-labelledby="share-title">
      <h2 id="share-title">Protected</h2>
      <p className="share-number">
        <span data-testid="protected-share">{all.needed === 0 ? '—' : `${share}%`}</span>
      </p>
      <Progress
        value={all.needed === 0 ? 0 : share}
        label="Share of files protected"
        tone={all.failed ? 'bad' : 'ok'}
      />
      <p className="muted">
        {all.needed === 0
          ? 'No photos yet. Copy a wedding folder into a watched folder to begin.'
          : all.laptopOnly > 0
            ? `${plural(all.protected, 'file')} of ${plural(all.needed, 'file')} (${formatBytes(all.bytes)}) safe from a lost laptop; ${all.laptopOnly} only on its own disk.`
            : `${plural(all.protected, 'file')} of ${plural(all.needed, 'file')} (${formatBytes(all.bytes)}) on at least ${plural(status.target, 'destination')}.`}
      </p>
    </section>
  );
}

/** Weddings that need attention, worst first; a calm line when there are none. */
export function AtRisk({ status }: { status: StatusReport }) {
  const all = [...status.weddings, ...(status.unassigned ? [status.unassigned] : [])];
  const risky = byRisk(all).filter((w) => riskOf(w) > 0);
  return (
    <section className="card" aria-labelledby="risk-title">
      <h2 id="risk-title">Weddings at risk</h2>
      {all.length === 0 ? (
        <Empty icon="camera" title="No weddings yet">
          <p>
            Keepsake finds weddings in your watched folders.{' '}
            <a href={href('welcome')}>Set up your first wedding</a>.
          </p>
        </Empty>
      ) : risky.length === 0 ? (
        <p className="all-good">
          <Icon name="check" /> Every wedding has all its copies.
        </p>
      ) : (
        <ul className="risk-list">
          {risky.slice(0, 6).map((w) => {
            const n = needed(w);
            return (
              <li key={w.wedding?.id ?? 'unassigned'}>
                <a href={w.wedding ? href('wedding', w.wedding.id) : href('weddings')}>
                  <span className="risk-name">{weddingName(w)}</span>
                  <span className="muted">
                    {w.wedding ? formatDay(w.wedding.date) : 'Not sorted into a wedding'}
                  </span>
                </a>
                {w.failed > 0 ? (
                  <Badge tone="bad">{plural(w.failed, 'file')} failed</Badge>
                ) : (w.laptopOnly ?? 0) > 0 && (w.laptopOnly ?? 0) >= n - w.protected ? (
                  <Badge
                    tone="warn"
                    title="Copied only to this laptop's own disk: add an external drive, a NAS or a cloud"
                  >
                    {plural(w.laptopOnly ?? 0, 'file')} only on this laptop
                  </Badge>
                ) : w.protected < n ? (
                  <Badge tone="warn">
                    {plural(n - w.protected, 'file')} waiting ({percent(w.protected, n)}% done)
                  </Badge>
                ) : (
                  <Badge tone="warn" title={w.shortfall ?? undefined}>
                    {plural(w.belowTarget ?? 0, 'file')} below target
                  </Badge>
                )}
              </li>
            );
          })}
          {risky.length > 6 && (
            <li className="muted">
              <a href={href('weddings')}>{plural(risky.length - 6, 'more wedding')} need attention</a>
            </li>
          )}
        </ul>
      )}
      <BelowTargetLine status={status} />
    </section>
  );
}

/** Weddings below their policy's target now, in a line (nothing when every wedding meets it). */
export function BelowTargetLine({ status }: { status: StatusReport }) {
  const all = [...status.weddings, ...(status.unassigned ? [status.unassigned] : [])];
  const below = all.filter((w) => (w.belowTarget ?? 0) > 0);
  if (below.length === 0) return null;
  const files = below.reduce((n, w) => n + (w.belowTarget ?? 0), 0);
  return (
    <p className="muted" data-testid="below-target">
      {plural(below.length, 'wedding')} below target now ({plural(files, 'file')}):{' '}
      {below.map(weddingName).join(', ')}.
    </p>
  );
}

/** The last failover: which destination failed, when, and how long until every wedding met its target again. */
export function FailoverCard({ failovers }: { failovers: readonly FailoverSummary[] }) {
  const last = failovers[0];
  return (
    <section className="card" aria-labelledby="failover-title">
      <h2 id="failover-title">Failover</h2>
      {!last ? (
        <p className="all-good">
          <Icon name="check" /> No destination has gone down.
        </p>
      ) : (
        <div data-testid="last-failover">
          <p>
            <strong>{last.destination}</strong> failed on {formatTime(last.failedAt)}: {last.reason}.
          </p>
          {last.recoveryMs !== null ? (
            <p>
              <Badge tone="ok">Recovered</Badge> Every wedding met its target again after{' '}
              <strong data-testid="recovery-time">{formatElapsed(last.recoveryMs)}</strong> (failover recovery
              time).
            </p>
          ) : (
            <p>
              <Badge tone="warn">Recovering</Badge>{' '}
              {last.weddings.length > 0
                ? `Copies are going to other destinations for ${last.weddings.join(', ')}.`
                : 'Copies are going to other destinations.'}
            </p>
          )}
          <p className="muted">
            {last.backAt
              ? `${last.destination} is back since ${formatTime(last.backAt)}.`
              : `${last.destination} is still down.`}
            {failovers.length > 1 && ` ${plural(failovers.length - 1, 'earlier failover')}.`}
          </p>
        </div>
      )}
    </section>
  );
}

/** Each destination's health in a line. */
export function DestinationHealthCard({ status }: { status: StatusReport }) {
  const { reports } = useHealthReports();
  return (
    <section className="card" aria-labelledby="dest-title">
      <h2 id="dest-title">Destinations</h2>
      {status.destinations.length === 0 ? (
        <Empty icon="destinations" title="No destination yet">
          <p>
            Nothing is being backed up. <a href={href('welcome')}>Add a destination</a>.
          </p>
        </Empty>
      ) : (
        <ul className="dest-list">
          {status.destinations.map((d) => {
            const h = healthOf(d, reports);
            return (
              <li key={d.name}>
                <Icon name={d.kind === 'local' ? 'disk' : 'cloud'} />
                <div className="dest-text">
                  <strong>{d.name}</strong>
                  <span className="muted" title={d.location}>
                    {h.state === 'healthy'
                      ? `${plural(d.objects, 'object')} stored · ${d.location}`
                      : h.reason}
                  </span>
                </div>
                <HealthBadge health={h} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** Screen 1: is everything safe, what is at risk, what is happening, how are the destinations. */
export function OverviewScreen() {
  const { status } = useStatus();
  if (!status) return null;
  return (
    <div className="screen">
      <h1>Overview</h1>
      {status.warnings.length > 0 && (
        <ul className="warnings">
          {status.warnings.map((w) => (
            <li key={w} className="callout callout-warn">
              <Icon name="alert" />
              <span>{w}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="grid grid-overview">
        <ProtectedShare status={status} />
        <AtRisk status={status} />
        <section className="card" aria-labelledby="queue-title">
          <h2 id="queue-title">Queue</h2>
          <QueueCard />
        </section>
        <DestinationHealthCard status={status} />
        {status.failovers && <FailoverCard failovers={status.failovers} />}
        <section className="card" aria-labelledby="recent-title">
          <h2 id="recent-title">Just now</h2>
          <RecentFiles />
        </section>
        {status.problems.length > 0 && (
          <section className="card card-wide" aria-labelledby="problems-title">
            <h2 id="problems-title">Files that need a look</h2>
            <ul className="problems">
              {status.problems.map((p) => (
                <li key={p.path}>
                  <Badge tone={p.state === 'failed' ? 'bad' : 'neutral'}>
                    {p.state === 'failed' ? 'Failed' : 'Skipped'}
                  </Badge>
                  <code title={p.path}>{p.path}</code>
                  <span className="muted">{p.error}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
