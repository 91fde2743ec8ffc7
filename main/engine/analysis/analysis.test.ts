import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { readCaptureTime } from '../catalog/exif.js';
import type { AnalysisRow } from '../store/analysis.js';
import { accessOf } from './access.js';
import { complianceOf } from './compliance.js';
import { kindOf } from './file-kinds.js';
import { qualityOf } from './quality.js';
import { summarizeShot } from './shot.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = resolve(repoRoot, '../shared/fixtures/camera');

/** A row as the index holds it, read from a real file with the intake's reader. */
async function rowOf(path: string, relPath = path.split('/').pop()!): Promise<AnalysisRow> {
  const { captureTime, ...c } = await readCaptureTime(path);
  return {
    relPath,
    size: statSync(path).size,
    captureTime,
    make: c.make ?? null,
    model: c.model ?? null,
    serial: c.serial ?? null,
    lens: c.lens ?? null,
    width: c.width ?? null,
    height: c.height ?? null,
  };
}

const row = (relPath: string, r: Partial<AnalysisRow> = {}): AnalysisRow => ({
  relPath,
  size: 1000,
  captureTime: null,
  make: null,
  model: null,
  serial: null,
  lens: null,
  width: null,
  height: null,
  ...r,
});

/** Copies a fixture and writes EXIF tags into it with ExifTool (a real writer, not ours). */
function withExif(dir: string, name: string, tags: Record<string, string>): string {
  const path = join(dir, name);
  copyFileSync(join(fixtures, 'Canon.jpg'), path);
  execFileSync('exiftool', [
    '-q',
    '-overwrite_original',
    ...Object.entries(tags).map(([k, v]) => `-${k}=${v}`),
    path,
  ]);
  return path;
}

describe('what was shot', () => {
  it('summarizes the camera fixtures: formats, bodies, lenses, megapixels', async () => {
    const files = readdirSync(fixtures).filter((f) => f !== 'README.md');
    const rows = await Promise.all(files.map((f) => rowOf(join(fixtures, f))));
    const shot = summarizeShot(rows);
    const raw = shot.kinds.filter((k) => k.kind === 'raw').map((k) => k.format);
    expect(raw.sort()).toEqual(['CR2', 'CR3', 'DNG', 'NEF', 'RAF', 'RW2']);
    expect(shot.kinds.find((k) => k.kind === 'jpeg')?.files).toBe(6);
    expect(shot.kinds.find((k) => k.kind === 'sidecar')?.files).toBe(2);
    expect(shot.kinds.find((k) => k.kind === 'video')).toMatchObject({ format: 'MOV', files: 1 });
    expect(shot.photos).toBe(13);
    // The same body (model) in two files counts once, with both files.
    expect(shot.cameras.find((c) => c.model === 'NIKON D70')?.files).toBe(2);
    expect(shot.cameras.find((c) => c.model === 'Canon EOS M50')).toMatchObject({
      serial: '613040000565',
      files: 1,
    });
    expect(shot.lenses).toEqual([{ lens: 'EF-M15-45mm f/3.5-6.3 IS STM', files: 1 }]);
    // Pixel sizes the files state: CR3 6000x4000 (24 MP), CR2 3456x2304, NikonD70.jpg, Sony.jpg, ...
    expect(shot.megapixels).toMatchObject({ known: 7, max: 24, over12: 1 });
  });

  it('reads body serial, lens and pixel size as ExifTool writes them, and tells two bodies apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keepsake-analysis-'));
    const a = withExif(dir, 'A_0001.jpg', {
      Make: 'Canon',
      Model: 'Canon EOS R5',
      SerialNumber: '032021000123', // ExifTool's name for EXIF BodySerialNumber
      LensModel: 'RF24-70mm F2.8 L IS USM',
      ExifImageWidth: '8192',
      ExifImageHeight: '5464',
      DateTimeOriginal: '2026:06:14 14:02:00',
    });
    const b = withExif(dir, 'B_0001.jpg', {
      Make: 'Canon',
      Model: 'Canon EOS R5',
      SerialNumber: '032021000999',
      LensModel: 'RF70-200mm F2.8 L IS USM',
      ExifImageWidth: '6000',
      ExifImageHeight: '4000',
      DateTimeOriginal: '2026:06:14 14:05:00',
    });
    const ra = await rowOf(a);
    expect(ra).toMatchObject({
      serial: '032021000123',
      lens: 'RF24-70mm F2.8 L IS USM',
      width: 8192,
      height: 5464,
    });
    const shot = summarizeShot([ra, await rowOf(b)]);
    expect(shot.cameras.map((c) => c.serial).sort()).toEqual(['032021000123', '032021000999']);
    expect(shot.megapixels).toEqual({ known: 2, median: 24, max: 44.8, over12: 2 });
  });

  it('splits the day into sessions at pauses of 45 minutes or more', () => {
    const at = (t: string) => row('x.cr3', { captureTime: `2026-06-14T${t}` });
    const shot = summarizeShot([
      at('10:00:00'),
      at('10:40:00'),
      at('11:20:00'), // 40 min after the last: same session
      at('14:00:00'),
      at('14:30:00'),
      at('19:00:00+02:00'),
      row('y.cr3'),
    ]);
    expect(shot.capture.sessions).toEqual([
      { first: '2026-06-14T10:00:00', last: '2026-06-14T11:20:00', files: 3 },
      { first: '2026-06-14T14:00:00', last: '2026-06-14T14:30:00', files: 2 },
      { first: '2026-06-14T19:00:00+02:00', last: '2026-06-14T19:00:00+02:00', files: 1 },
    ]);
    expect(shot.capture.undated).toBe(1);
  });

  it('names file kinds from their extensions', () => {
    expect(kindOf('IMG_1.CR3')).toEqual({ kind: 'raw', format: 'CR3' });
    expect(kindOf('C0001.MP4')).toEqual({ kind: 'video', format: 'MP4' });
    expect(kindOf('IMG_1.HEIC')).toEqual({ kind: 'heif' });
    expect(kindOf('IMG_1.xmp')).toEqual({ kind: 'sidecar' });
    expect(kindOf('Smith.lrcat')).toEqual({ kind: 'catalog' });
    expect(kindOf('notes.txt')).toEqual({ kind: 'other' });
  });
});

describe('quality class', () => {
  const pro = (i: number) =>
    row(`A_${i}.CR3`, { make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-70mm F2.8 L IS USM' });
  const phone = (i: number) => row(`IMG_${i}.JPG`, { make: 'Apple', model: 'iPhone 15 Pro' });
  const classOf = (rows: AnalysisRow[]) => qualityOf(rows, summarizeShot(rows));

  it('professional: RAW from pro bodies', () => {
    const q = classOf(Array.from({ length: 40 }, (_, i) => pro(i)));
    expect(q.class).toBe('professional');
    expect(q.reason).toMatch(/100% RAW/);
  });

  it("mixed: a guest's phone JPEGs among a pro shoot (5% or more)", () => {
    const rows = [...Array.from({ length: 38 }, (_, i) => pro(i)), phone(1), phone(2)];
    expect(classOf(rows).class).toBe('mixed');
    // One phone photo in 40 (2.5%) stays professional.
    expect(classOf([...Array.from({ length: 39 }, (_, i) => pro(i)), phone(1)]).class).toBe('professional');
  });

  it('amateur: phone JPEGs only', () => {
    expect(classOf(Array.from({ length: 10 }, (_, i) => phone(i))).class).toBe('amateur');
  });

  it('unknown: no photos, or JPEGs that do not say their camera', () => {
    expect(classOf([row('notes.txt')]).class).toBe('unknown');
    expect(classOf([row('a.jpg'), row('b.jpg')]).class).toBe('unknown');
  });
});

describe('access and temperature', () => {
  const now = Date.parse('2026-09-01T12:00:00Z');
  const days = (n: number) => now - n * 86_400_000;
  const none = { lastChanged: null, lastRestored: null, lastOpened: null };

  it('hot while edits arrive or it was just opened, cooling after 14 quiet days, cold after 90', () => {
    expect(accessOf({ ...none, lastChanged: days(3) }, '2026-06-14', now)).toMatchObject({
      temperature: 'hot',
      reason: 'files changed 3 days ago',
    });
    expect(accessOf({ ...none, lastChanged: days(200), lastOpened: days(1) }, null, now).temperature).toBe(
      'hot',
    );
    expect(accessOf({ ...none, lastChanged: days(30) }, null, now).temperature).toBe('cooling');
    expect(accessOf({ ...none, lastChanged: days(120), lastRestored: days(95) }, null, now)).toMatchObject({
      temperature: 'cold',
      reason: 'restored from 95 days ago (quiet for 90 days or more)',
    });
  });

  it('a wedding day ahead or just past keeps it hot', () => {
    expect(accessOf(none, '2026-09-20', now).temperature).toBe('hot');
    expect(accessOf({ ...none, lastChanged: days(400) }, '2026-08-25', now).temperature).toBe('hot');
  });
});

describe('compliance level', () => {
  const status = (s: Partial<WeddingStatus>): WeddingStatus => ({
    wedding: null,
    files: 10,
    bytes: 0,
    protected: 10,
    pending: 0,
    failed: 0,
    skipped: 0,
    copies: { Vault: 10, S3: 10 },
    ...s,
  });

  it('standard while a copy is unencrypted or a file is not protected off the laptop', () => {
    const plain = complianceOf(status({}), new Set(['S3']));
    expect(plain.level).toBe('standard');
    expect(plain.checks[1]).toMatchObject({ met: false, detail: 'not encrypted: Vault' });
    expect(complianceOf(status({ protected: 9 }), new Set(['S3', 'Vault'])).level).toBe('standard');
  });

  it('enhanced when protected off the laptop and encrypted everywhere; never enterprise without retention', () => {
    const c = complianceOf(
      status({ policy: { name: 'critical', copies: 2, residency: 'EU', why: '' } }),
      new Set(['S3', 'Vault']),
    );
    expect(c.level).toBe('enhanced');
    expect(c.checks.map((k) => k.met)).toEqual([true, true, true, false]);
    expect(c.checks[3]?.detail).toMatch(/cannot set a retention period yet/);
  });
});
