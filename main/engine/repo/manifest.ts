import { z } from 'zod';
import type { Manifest } from '../../../shared/model/snapshot.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

/** Schema of a snapshot manifest: anything read back from a destination is checked against it. */
export const manifestSchema = z.object({
  format: z.literal('keepsake-snapshot'),
  version: z.literal(1),
  wedding: z.object({ slug: z.string().min(1), couple: z.string(), date: z.string().nullable() }),
  createdAt: z.string(),
  host: z.string(),
  device: z.object({ id: z.string().regex(/^[a-z0-9-]{8,64}$/), name: z.string() }).optional(),
  files: z.array(
    z.object({
      path: z.string().min(1),
      sha256,
      size: z.number().int().nonnegative(),
      object: z.string().min(1),
      mtime: z.string(),
      captureTime: z.string().nullable(),
    }),
  ),
});

/** A manifest that cannot be trusted: not JSON, wrong shape, or not the bytes that were written. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export function parseManifest(text: string, where: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(
      `${where} is not valid JSON (${(err as Error).message}): it was damaged or edited`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError(
      `${where} is not a valid Keepsake snapshot manifest: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`,
    );
  }
  return parsed.data as Manifest;
}

/** Manifests are written with sorted entries and stable formatting, so equal content gives equal bytes. */
export function serializeManifest(m: Manifest): string {
  const files = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `${JSON.stringify({ ...m, files }, null, 1)}\n`;
}
