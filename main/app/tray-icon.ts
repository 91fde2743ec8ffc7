import { encodePng } from './png.js';
import type { TrayState } from './tray-state.js';

/** Each state's colour, and a shape that tells them apart without colour. */
const LOOK: Record<TrayState, { rgb: [number, number, number]; mark: 'none' | 'ring' | 'bang' | 'bars' }> = {
  protected: { rgb: [46, 158, 91], mark: 'none' }, // a green disc
  working: { rgb: [47, 111, 219], mark: 'ring' }, // a blue ring
  attention: { rgb: [214, 69, 69], mark: 'bang' }, // a red disc with "!"
  paused: { rgb: [138, 143, 152], mark: 'bars' }, // a grey disc with "||"
};

/** Coverage (0..1) of a pixel by a shape whose signed distance at the pixel centre is `d` (antialiasing). */
const cover = (d: number) => Math.min(1, Math.max(0, 0.5 - d));

function box(x: number, y: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = Math.max(x0 - x, x - x1);
  const dy = Math.max(y0 - y, y - y1);
  return Math.max(dx, dy);
}

/** The tray icon of `state` as a `size` x `size` PNG (16 and 32 for 1x and 2x screens). */
export function trayIconPng(state: TrayState, size: number): Buffer {
  const { rgb, mark } = LOOK[state];
  const px = new Uint8Array(size * size * 4);
  const c = size / 2;
  const r = size / 2 - size / 16;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const fx = x + 0.5 - c;
      const fy = y + 0.5 - c;
      const dist = Math.hypot(fx, fy) - r;
      let alpha = cover(dist);
      let white = 0;
      const u = fx / size;
      const v = fy / size;
      if (mark === 'ring') alpha = Math.min(alpha, cover(-(Math.hypot(fx, fy) - r * 0.55)));
      if (mark === 'bang')
        white = Math.max(
          cover(box(u, v, -0.06, -0.28, 0.06, 0.08) * size),
          cover((Math.hypot(u, v - 0.2) - 0.07) * size),
        );
      if (mark === 'bars')
        white = Math.max(
          cover(box(u, v, -0.18, -0.2, -0.05, 0.2) * size),
          cover(box(u, v, 0.05, -0.2, 0.18, 0.2) * size),
        );
      const i = (y * size + x) * 4;
      px[i] = Math.round(rgb[0] + (255 - rgb[0]) * white);
      px[i + 1] = Math.round(rgb[1] + (255 - rgb[1]) * white);
      px[i + 2] = Math.round(rgb[2] + (255 - rgb[2]) * white);
      px[i + 3] = Math.round(alpha * 255);
    }
  }
  return encodePng(size, size, px);
}
