import { encodePng } from './png.js';

/** Coverage (0..1) of a pixel by a shape whose signed distance (in pixels) at the pixel centre is `d`. */
const cover = (d: number) => Math.min(1, Math.max(0, 0.5 - d));

/** Signed distance from (x, y) to a rounded square centred at 0 of half-size `h` and corner radius `r`. */
function roundedSquare(x: number, y: number, h: number, r: number): number {
  const qx = Math.abs(x) - h + r;
  const qy = Math.abs(y) - h + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/**
 * Keepsake's app icon as RGBA pixels: two overlapping white rings ("every file in two places") on a
 * teal rounded square, inset as macOS's icon grid expects. Drawn in code so it needs no image tools;
 * build/icon.png is this at 1024 px (electron-builder derives the .icns and .ico from it).
 */
export function renderAppIcon(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const s = size / 1024; // the design is in a 1024 grid
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const fx = (x + 0.5) / s - 512;
      const fy = (y + 0.5) / s - 512;
      const body = cover(roundedSquare(fx, fy, 412, 92) * s);
      const ring = (cx: number) => cover((Math.abs(Math.hypot(fx - cx, fy) - 170) - 34) * s);
      const white = Math.max(ring(-105), ring(105));
      const t = (fy + 412) / 824; // vertical gradient: lighter teal at the top
      const base = [Math.round(38 - 14 * t), Math.round(139 - 40 * t), Math.round(140 - 30 * t)];
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) px[i + c] = Math.round(base[c]! + (255 - base[c]!) * white);
      px[i + 3] = Math.round(body * 255);
    }
  }
  return px;
}

/** The app icon as a PNG of `size` x `size` (the window icon on Linux and Windows, build/icon.png at 1024). */
export function appIconPng(size: number): Buffer {
  return encodePng(size, size, renderAppIcon(size));
}
