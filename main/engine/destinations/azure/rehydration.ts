/** Online tiers an archived blob can be rehydrated to. */
export type OnlineTier = 'Hot' | 'Cool' | 'Cold';

/** How fast Azure should rehydrate: `High` is typically under an hour, `Standard` up to 15 hours. */
export type RehydratePriority = 'High' | 'Standard';

/** Where a blob stands with respect to the Archive tier. */
export type RehydrationState =
  /** Readable now, in this tier. */
  | { state: 'online'; tier: string | undefined }
  /** In Archive with no rehydration requested: `requestRehydrate` before reading. */
  | { state: 'archived' }
  /** Being copied back to an online tier; still unreadable until that ends. */
  | { state: 'rehydrating'; to: OnlineTier; priority: RehydratePriority | undefined };

/** The blob properties the state is read from (getProperties or a list item). */
export interface TierProperties {
  accessTier?: string;
  archiveStatus?: string;
  rehydratePriority?: string;
}

const pendingTo: Record<string, OnlineTier> = {
  'rehydrate-pending-to-hot': 'Hot',
  'rehydrate-pending-to-cool': 'Cool',
  'rehydrate-pending-to-cold': 'Cold',
};

/**
 * Reads the rehydration state from blob properties. While Azure rehydrates, the tier stays `Archive`
 * and `archiveStatus` says `rehydrate-pending-to-<tier>`; when done the tier is the online one.
 */
export function rehydrationStateOf(props: TierProperties): RehydrationState {
  if (props.accessTier !== 'Archive') return { state: 'online', tier: props.accessTier };
  const to = props.archiveStatus ? pendingTo[props.archiveStatus.toLowerCase()] : undefined;
  if (!to) return { state: 'archived' };
  const priority =
    props.rehydratePriority === 'High' || props.rehydratePriority === 'Standard'
      ? props.rehydratePriority
      : undefined;
  return { state: 'rehydrating', to, priority };
}
