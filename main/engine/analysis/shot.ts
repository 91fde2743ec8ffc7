/**
 * What was shot at a wedding, from the index alone (names, sizes and the camera facts read with the
 * capture time at intake): no file is opened here.
 */
import type {
  CameraCount,
  KindCount,
  LensCount,
  ShootingSession,
  WeddingShot,
} from '../../../shared/model/analysis.js';
import type { AnalysisRow } from '../store/analysis.js';
import { isPhoto, kindOf } from './file-kinds.js';

/** A pause this long between two frames starts a new session (getting ready, ceremony, reception). */
export const SESSION_GAP_MINUTES = 45;
const FIVE_MB = 5 * 1024 * 1024;

/** The summary of a wedding's files. */
export function summarizeShot(rows: readonly AnalysisRow[]): WeddingShot {
  const kinds = new Map<string, KindCount>();
  const cameras = new Map<string, CameraCount>();
  const lenses = new Map<string, LensCount>();
  const mp: number[] = [];
  const times: string[] = [];
  let photos = 0;
  let over5MB = 0;
  let undated = 0;
  let bytes = 0;
  for (const r of rows) {
    bytes += r.size;
    const { kind, format } = kindOf(r.relPath);
    const k = `${kind}/${format ?? ''}`;
    const count = kinds.get(k) ?? { kind, ...(format ? { format } : {}), files: 0, bytes: 0 };
    count.files++;
    count.bytes += r.size;
    kinds.set(k, count);
    if (r.model) {
      const c = `${r.make ?? ''}\0${r.model}\0${r.serial ?? ''}`;
      const cam = cameras.get(c) ?? { make: r.make, model: r.model, serial: r.serial, files: 0 };
      cam.files++;
      cameras.set(c, cam);
    }
    if (r.lens) {
      const l = lenses.get(r.lens) ?? { lens: r.lens, files: 0 };
      l.files++;
      lenses.set(r.lens, l);
    }
    const media = isPhoto(kind) || kind === 'video';
    if (isPhoto(kind)) {
      photos++;
      if (r.size > FIVE_MB) over5MB++;
      if (r.width && r.height) mp.push((r.width * r.height) / 1e6);
    }
    if (media) {
      if (r.captureTime) times.push(r.captureTime);
      else undated++;
    }
  }
  mp.sort((a, b) => a - b);
  const byCount = <T extends { files: number }>(m: Map<string, T>) =>
    [...m.values()].sort((a, b) => b.files - a.files);
  return {
    files: rows.length,
    bytes,
    kinds: [...kinds.values()].sort((a, b) => b.bytes - a.bytes),
    cameras: byCount(cameras),
    lenses: byCount(lenses),
    megapixels: {
      known: mp.length,
      median: mp.length ? round1(mp[Math.floor((mp.length - 1) / 2)]!) : null,
      max: mp.length ? round1(mp[mp.length - 1]!) : null,
      over12: mp.filter((m) => m > 12).length,
    },
    photos,
    over5MB,
    capture: { ...sessionsOf(times), gapMinutes: SESSION_GAP_MINUTES, undated },
  };
}

/**
 * Capture times in order, split at pauses of `SESSION_GAP_MINUTES`. Times are compared as the
 * camera wrote them (wall-clock, offset ignored): the bodies of one wedding share its time zone, and
 * mixing offset and offset-less times would shift some by hours.
 */
function sessionsOf(times: string[]): {
  first: string | null;
  last: string | null;
  sessions: ShootingSession[];
} {
  const dated = times
    .map((t) => ({ t, ms: Date.parse(`${t.slice(0, 19)}Z`) }))
    .filter((x) => Number.isFinite(x.ms))
    .sort((a, b) => a.ms - b.ms);
  const sessions: ShootingSession[] = [];
  let prev: number | null = null;
  for (const { t, ms } of dated) {
    const current = sessions[sessions.length - 1];
    if (current && prev !== null && ms - prev < SESSION_GAP_MINUTES * 60_000) {
      current.last = t;
      current.files++;
    } else sessions.push({ first: t, last: t, files: 1 });
    prev = ms;
  }
  return { first: dated[0]?.t ?? null, last: dated[dated.length - 1]?.t ?? null, sessions };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
