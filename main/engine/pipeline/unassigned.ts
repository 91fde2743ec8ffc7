import type { Wedding } from '../../../shared/model/wedding.js';

/** The pseudo-wedding that holds files whose wedding could not be decided. */
export const UNASSIGNED: Pick<Wedding, 'slug' | 'couple' | 'date'> = {
  slug: 'unassigned',
  couple: 'Unassigned files',
  date: null,
};
