import { z } from 'zod';
import type { DeviceIndex } from '../../../shared/model/device-index.js';
import { ManifestError } from './manifest.js';

/** Schema of a device index (`devices/<id>.json`); anything read back is checked against it. */
export const deviceIndexSchema = z.object({
  format: z.literal('keepsake-device'),
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9-]{8,64}$/),
  name: z.string(),
  updatedAt: z.string(),
  weddings: z.array(
    z.object({
      slug: z.string().min(1),
      couple: z.string(),
      date: z.string().nullable(),
      snapshot: z.string().min(1),
      files: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
      destinations: z.array(z.string()),
    }),
  ),
});

/** Parses a device index; a damaged one is a ManifestError naming where it lies. */
export function parseDeviceIndex(text: string, where: string): DeviceIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestError(`${where} is not valid JSON: it was damaged or edited`);
  }
  const parsed = deviceIndexSchema.safeParse(json);
  if (!parsed.success)
    throw new ManifestError(
      `${where} is not a valid Keepsake device index: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/** Stable bytes: weddings sorted by slug. */
export function serializeDeviceIndex(d: DeviceIndex): string {
  const weddings = [...d.weddings].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return `${JSON.stringify({ ...d, weddings }, null, 1)}\n`;
}
