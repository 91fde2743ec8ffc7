import type { ReactNode } from 'react';
import type { DestinationBadge } from '../lib/protection.js';
import { Icon } from './Icon.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral';

/** A small status label; the words carry the meaning, the colour only repeats it. */
export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** One destination's protection badge for a wedding. */
export function ProtectionBadge({ destination, badge }: { destination: string; badge: DestinationBadge }) {
  switch (badge.kind) {
    case 'protected':
      return (
        <Badge tone="ok" title={`${destination}: every file stored and verified`}>
          <Icon name="check" /> Protected
        </Badge>
      );
    case 'uploading':
      return (
        <Badge tone="warn" title={`${destination}: ${badge.percent}% of the files stored so far`}>
          Uploading {badge.percent}%
        </Badge>
      );
    case 'failed':
      return (
        <Badge tone="bad" title={`${destination}: ${badge.reason}`}>
          <Icon name="alert" /> Failed
        </Badge>
      );
    case 'waiting':
      return (
        <Badge tone="warn" title={`${destination}: ${badge.reason}. Keepsake retries on its own.`}>
          <Icon name="clock" /> Waiting
        </Badge>
      );
    case 'unreachable':
      return (
        <Badge
          tone="warn"
          title={`${destination} holds ${badge.held} of ${badge.of} files but cannot be reached now (${badge.reason}); they count again once it is back.`}
        >
          <Icon name="alert" /> Not reachable
        </Badge>
      );
    case 'not-required':
      return (
        <Badge tone="neutral" title={`${destination} is not needed for this wedding's protection`}>
          Not required by policy
        </Badge>
      );
  }
}
