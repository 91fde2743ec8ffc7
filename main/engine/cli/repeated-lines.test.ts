import { describe, expect, it } from 'vitest';
import { RepeatedLines } from './repeated-lines.js';

describe('repeated problem lines', () => {
  it('prints a reason once a minute and counts the rest', () => {
    let t = 0;
    const out: string[] = [];
    const lines = new RepeatedLines(
      (l) => out.push(l),
      () => t,
    );
    for (let i = 0; i < 50; i++)
      lines.report(`S3 paused, next try in ${i} s`, `incomplete: IMG_${i}.CR3 (S3 paused)`);
    lines.report('NAS full', 'incomplete: IMG_9.CR3 (NAS full)');
    lines.flush();
    expect(out).toEqual([
      'incomplete: IMG_0.CR3 (S3 paused)',
      'incomplete: IMG_9.CR3 (NAS full)',
      '  ...and 49 more times: S3 paused, next try in N s',
    ]);
    lines.flush();
    expect(out).toHaveLength(3);
    t = 61_000;
    lines.report('S3 paused, next try in 3 s', 'incomplete: IMG_60.CR3 (S3 paused)');
    expect(out.at(-1)).toBe('incomplete: IMG_60.CR3 (S3 paused)');
  });
});
