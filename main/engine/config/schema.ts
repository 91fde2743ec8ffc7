import { z } from 'zod';

const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/,
    'a name of letters, digits, spaces, dots, dashes or underscores',
  );

/** A local folder destination: an external drive, a NAS mount, or the embedded default vault. */
export const localDestinationSchema = z.object({
  name,
  kind: z.literal('local'),
  path: z.string().min(1, 'an absolute folder path'),
  enabled: z.boolean().default(true),
});

export const destinationSchema = z.discriminatedUnion('kind', [localDestinationSchema]);

export const folderSchema = z.object({
  path: z.string().min(1, 'an absolute folder path'),
  /** `weddings`: every sub-folder is one wedding. `import`: loose files, assigned by capture date. */
  kind: z.enum(['weddings', 'import']),
});

/** The config file (config.json in the Keepsake home). docs/CONFIG.md documents every key. */
export const configSchema = z.object({
  version: z.literal(1),
  /** Random id of this installation; names its staging area in shared repositories. */
  installId: z.string().regex(/^[a-z0-9-]{8,64}$/, 'a lower-case id'),
  folders: z.array(folderSchema).default([]),
  destinations: z.array(destinationSchema).default([]),
  protection: z
    .object({
      /** Copies each file needs before it counts as protected: a number, or `all` enabled destinations. */
      copies: z.union([z.literal('all'), z.number().int().min(1).max(10)]).default('all'),
    })
    .default({ copies: 'all' }),
  watch: z
    .object({
      /** A file is taken once its size and time have not changed for this long (card imports). */
      stableMs: z.number().int().min(0).max(600_000).default(2000),
    })
    .default({ stableMs: 2000 }),
  transfer: z
    .object({
      /** Files backed up at the same time. */
      concurrency: z.number().int().min(1).max(32).default(2),
      /** Upload limit in bytes per second for all destinations together; null for none. */
      bandwidthLimit: z.number().int().positive().nullable().default(null),
    })
    .default({ concurrency: 2, bandwidthLimit: null }),
});

export type Config = z.infer<typeof configSchema>;
export type DestinationConfig = z.infer<typeof destinationSchema>;
export type FolderConfig = z.infer<typeof folderSchema>;
