import type { Browser } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withExif } from './exif-jpeg.js';

/** Renders a small landscape-like picture as a JPEG in the browser (no image library on the Node side). */
async function render(
  browser: Browser,
  shots: { w: number; h: number; hue: number; label: string }[],
): Promise<Buffer[]> {
  const page = await browser.newPage();
  try {
    const urls = await page.evaluate((list) => {
      return list.map(({ w, h, hue, label }) => {
        const c = document.createElement('canvas');
        c.width = w;
        c.height = h;
        const g = c.getContext('2d')!;
        const sky = g.createLinearGradient(0, 0, 0, h);
        sky.addColorStop(0, `hsl(${hue} 55% 72%)`);
        sky.addColorStop(1, `hsl(${(hue + 40) % 360} 45% 88%)`);
        g.fillStyle = sky;
        g.fillRect(0, 0, w, h);
        g.fillStyle = `hsl(${(hue + 180) % 360} 30% 35%)`;
        g.beginPath();
        g.moveTo(0, h);
        g.lineTo(w * 0.3, h * 0.55);
        g.lineTo(w * 0.55, h * 0.75);
        g.lineTo(w * 0.8, h * 0.5);
        g.lineTo(w, h * 0.7);
        g.lineTo(w, h);
        g.fill();
        g.fillStyle = 'rgba(255,250,235,0.9)';
        g.beginPath();
        g.arc(w * 0.72, h * 0.28, h * 0.1, 0, Math.PI * 2);
        g.fill();
        g.fillStyle = 'rgba(20,20,20,0.75)';
        g.font = `${Math.round(h / 9)}px sans-serif`;
        g.fillText(label, w * 0.05, h * 0.15);
        return c.toDataURL('image/jpeg', 0.82);
      });
    }, shots);
    return urls.map((u) => Buffer.from(u.split(',')[1]!, 'base64'));
  } finally {
    await page.close();
  }
}

/**
 * Writes `count` camera-like JPEGs (`IMG_0001.JPG`...) into `dir`, each with a capture time and an
 * embedded preview, plus one XMP sidecar; returns their paths relative to `root`.
 */
export async function writePhotos(
  browser: Browser,
  dir: string,
  count: number,
  opts: { seed?: number; day?: string } = {},
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const seed = opts.seed ?? 0;
  const specs = Array.from({ length: count }, (_, i) => ({
    hue: (seed * 97 + i * 47) % 360,
    label: `IMG_${String(i + 1).padStart(4, '0')}`,
  }));
  const mains = await render(
    browser,
    specs.map((s) => ({ ...s, w: 900, h: 600 })),
  );
  const thumbs = await render(
    browser,
    specs.map((s) => ({ ...s, w: 160, h: 107 })),
  );
  const names: string[] = [];
  specs.forEach((s, i) => {
    const name = `${s.label}.JPG`;
    const minute = String(10 + i).padStart(2, '0');
    writeFileSync(
      join(dir, name),
      withExif(mains[i]!, thumbs[i]!, `${(opts.day ?? '2026-06-14').replaceAll('-', ':')} 15:${minute}:00`),
    );
    names.push(name);
  });
  return names;
}
