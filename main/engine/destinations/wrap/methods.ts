/** The calls of a Destination that wrappers count, limit and fault; `close` is never among them. */
export type DestinationMethod =
  | 'put'
  | 'get'
  | 'stat'
  | 'digest'
  | 'list'
  | 'promote'
  | 'remove'
  | 'check'
  | 'requestRehydration'
  | 'setStorageClass';

/** Every DestinationMethod, in interface order: for tables keyed by method. */
export const destinationMethods: readonly DestinationMethod[] = [
  'put',
  'get',
  'stat',
  'digest',
  'list',
  'promote',
  'remove',
  'check',
  'requestRehydration',
  'setStorageClass',
];
