import { describe, expect, it } from 'vitest';
import { isIgnoredName, isIgnoredPath } from './ignore.js';

describe('isIgnoredName', () => {
  it.each([
    'IMG_0001.CR3.tmp',
    'export.TEMP',
    'video.mp4.part',
    'video.mp4.partial',
    'photos.zip.crdownload',
    'gallery.zip.download',
    '~$contract.docx',
    '.contract.txt.swp',
    '.~lock.timeline.ods#',
    '.DS_Store',
    '.ds_store',
    '._IMG_0001.CR3',
    'Thumbs.db',
    'THUMBS.DB',
    'ehthumbs.db',
    'desktop.ini',
    'Desktop.ini',
    'Icon\r',
    'Weddings.lrcat.lock',
    'Weddings.lrcat-lock',
    'Weddings.lrcat-journal',
    'Weddings.lrcat-wal',
    'Weddings.lrcat-shm',
    'Weddings Previews.lrdata',
    'Weddings Smart Previews.lrdata',
    '.Spotlight-V100',
    '.Trashes',
    '.fseventsd',
    '.TemporaryItems',
    '$RECYCLE.BIN',
    'System Volume Information',
    '.git',
    '.keepsake',
  ])('ignores %j', (name) => {
    expect(isIgnoredName(name)).toBe(true);
  });

  it.each([
    'IMG_0001.CR3',
    'IMG_0001.JPG',
    'IMG_0001.xmp',
    'Weddings.lrcat',
    'Weddings.lrcat-data',
    'contract.docx',
    'temp',
    'Icon',
    'Icon.png',
    'part 1.mov',
    'parts.txt',
    '.~lock.ods',
    'DS_Store',
    '.gitignore',
    '.keepsake-notes.txt',
    'keepsake',
    '2026-06-14 Smith & Jones',
    'tmp',
    '_IMG_0001.CR3',
    '~IMG.jpg',
  ])('keeps %j', (name) => {
    expect(isIgnoredName(name)).toBe(false);
  });
});

describe('isIgnoredPath', () => {
  it('ignores everything inside an ignored folder', () => {
    expect(isIgnoredPath('Lightroom/Weddings Previews.lrdata/1/1A2B/uuid.lrprev')).toBe(true);
    expect(isIgnoredPath('project/.git/objects/ab/cdef')).toBe(true);
    expect(isIgnoredPath('.keepsake/state.db')).toBe(true);
    expect(isIgnoredPath('$RECYCLE.BIN\\S-1-5-21\\IMG_0001.JPG')).toBe(true);
    expect(isIgnoredPath('2026-06-14 Smith/._IMG_0001.CR3')).toBe(true);
  });

  it('keeps ordinary photo paths, whatever separator', () => {
    expect(isIgnoredPath('2026-06-14 Smith & Jones/RAW/IMG_0001.CR3')).toBe(false);
    expect(isIgnoredPath('2026-06-14 Smith & Jones\\RAW\\IMG_0001.CR3')).toBe(false);
    expect(isIgnoredPath('/Users/anna/Pictures/Weddings.lrcat')).toBe(false);
    expect(isIgnoredPath('')).toBe(false);
  });
});
