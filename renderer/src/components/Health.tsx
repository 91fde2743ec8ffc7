import type { HealthView } from '../lib/health.js';
import { formatTime } from '../lib/format.js';
import { Badge, type Tone } from './Badge.js';

const TONE: Record<HealthView['state'], Tone> = {
  healthy: 'ok',
  degraded: 'warn',
  down: 'bad',
  disabled: 'neutral',
};
const WORD: Record<HealthView['state'], string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  down: 'Down',
  disabled: 'Disabled',
};

/** A destination's health in a word, with the reason beside it. */
export function HealthBadge({ health }: { health: HealthView }) {
  return (
    <Badge tone={TONE[health.state]} title={health.reason}>
      {WORD[health.state]}
    </Badge>
  );
}

/** The recent changes of a destination's health, newest first. */
export function HealthHistory({ health }: { health: HealthView }) {
  if (health.history.length === 0) return null;
  return (
    <ol className="health-history" aria-label={`Health history of ${health.name}`}>
      {[...health.history]
        .sort((a, b) => b.at - a.at)
        .slice(0, 8)
        .map((h) => (
          <li key={`${h.at}-${h.to}`}>
            <time>{formatTime(h.at)}</time> <HealthBadge health={{ ...health, state: h.to }} /> {h.reason}
          </li>
        ))}
    </ol>
  );
}
