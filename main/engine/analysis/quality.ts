/**
 * The quality class of a wedding's photos, by a stated rule:
 * - professional: at least half the photos are RAW, or at least 90% come from interchangeable-lens
 *   or pro bodies, and under 5% from phones;
 * - amateur: no RAW and most photos (over half) from phones or compacts;
 * - mixed: anything between, e.g. a pro shoot with a guest's phone JPEGs in the folder (5% or more);
 * - unknown: no photos, or none that says its camera and no RAW.
 */
import type { QualityClass, WeddingShot } from '../../../shared/model/analysis.js';
import type { AnalysisRow } from '../store/analysis.js';
import { isPhoto, kindOf } from './file-kinds.js';

const PHONE_MAKES =
  /^(apple|samsung|google|huawei|xiaomi|oneplus|oppo|vivo|motorola|honor|realme|nothing|lge?)\b/i;
const PHONE_MODELS = /iphone|ipad|pixel|galaxy|^sm-|redmi|mi \d/i;
/** Interchangeable-lens and pro bodies: a lens recorded, or a model line known for it. */
const PRO_MODELS =
  /\b(eos|ilce|ilca|nex|slt|alpha|d\d{1,4}|z ?\d|x-(t|h|pro|e|s)\d*|gfx|lumix (g|s)|dc-(g|s)|om-?\d|e-m\d|k-\d|sd quattro|fp)\b/i;

export type CameraClass = 'phone' | 'pro' | 'compact';

/** How a photo's camera is classed (null when the photo does not say). */
export function cameraClass(
  make: string | null,
  model: string | null,
  lens: string | null,
): CameraClass | null {
  if (!model && !make) return null;
  if ((make && PHONE_MAKES.test(make)) || (model && PHONE_MODELS.test(model))) return 'phone';
  if (lens || (model && PRO_MODELS.test(model))) return 'pro';
  return 'compact';
}

/** The class and the reason, in words, from the photos' formats and cameras. */
export function qualityOf(
  rows: readonly AnalysisRow[],
  shot: WeddingShot,
): { class: QualityClass; reason: string } {
  let raw = 0;
  let phone = 0;
  let pro = 0;
  let compact = 0;
  for (const r of rows) {
    const { kind } = kindOf(r.relPath);
    if (!isPhoto(kind)) continue;
    if (kind === 'raw') raw++;
    const c = cameraClass(r.make, r.model, r.lens);
    if (c === 'phone') phone++;
    else if (c === 'pro') pro++;
    else if (c === 'compact') compact++;
  }
  const photos = shot.photos;
  if (photos === 0) return { class: 'unknown', reason: 'no photos in this wedding yet' };
  const pct = (n: number) => `${Math.round((n / photos) * 100)}%`;
  const said = phone + pro + compact;
  const facts = `${pct(raw)} RAW, ${pct(pro)} from interchangeable-lens bodies, ${pct(phone)} from phones`;
  if (raw === 0 && said === 0)
    return { class: 'unknown', reason: 'no RAW files, and no photo records its camera' };
  if ((raw / photos >= 0.5 || pro / photos >= 0.9) && phone / photos < 0.05)
    return {
      class: 'professional',
      reason: `${facts} (half RAW or 90% pro bodies, under 5% phones)`,
    };
  if (raw === 0 && (phone + compact) / photos > 0.5)
    return { class: 'amateur', reason: `${facts} (no RAW, most photos from phones or compacts)` };
  return {
    class: 'mixed',
    reason: `${facts} (neither professional nor amateur: e.g. phone photos among a pro shoot)`,
  };
}
