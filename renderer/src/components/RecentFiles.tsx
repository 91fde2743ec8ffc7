import { useState } from 'react';
import { useLiveEvent, useRecentEvents } from '../lib/events.js';
import { baseName } from '../lib/paths.js';
import { Badge } from './Badge.js';

interface Seen {
  at: number;
  path: string;
  outcome: string;
}

const OUTCOME: Record<string, { tone: 'ok' | 'warn' | 'bad' | 'neutral'; word: string }> = {
  protected: { tone: 'ok', word: 'Protected' },
  incomplete: { tone: 'warn', word: 'Will retry' },
  changed: { tone: 'warn', word: 'Changed, retrying' },
  unreadable: { tone: 'bad', word: 'Unreadable' },
  skipped: { tone: 'neutral', word: 'Skipped' },
  vanished: { tone: 'neutral', word: 'Gone' },
};

/** Files handled since this window opened, newest first, from the live `file` events. */
export function RecentFiles({ limit = 8 }: { limit?: number }) {
  const earlier = useRecentEvents(['file']);
  const [seen, setSeen] = useState<Seen[]>(() =>
    earlier.slice(0, limit).map((r) => ({ at: r.at, path: r.event.path, outcome: r.event.outcome })),
  );
  useLiveEvent(['file'], (e) =>
    setSeen((s) => [{ at: Date.now(), path: e.path, outcome: e.outcome }, ...s].slice(0, limit)),
  );
  if (seen.length === 0) return <p className="muted">Files appear here as Keepsake protects them.</p>;
  return (
    <ul className="recent" aria-live="polite">
      {seen.map((s) => {
        const o = OUTCOME[s.outcome] ?? { tone: 'neutral' as const, word: s.outcome };
        return (
          <li key={`${s.at}-${s.path}`}>
            <span className="recent-name" title={s.path}>
              {baseName(s.path)}
            </span>
            <Badge tone={o.tone}>{o.word}</Badge>
          </li>
        );
      })}
    </ul>
  );
}
