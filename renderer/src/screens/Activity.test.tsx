import { describe, expect, it } from 'vitest';
import { details } from './Activity.js';

describe('the activity trail', () => {
  it('says the facts of an event in words, not raw keys and numbers (issue 15 item 8)', () => {
    expect(details({ path: '/w/IMG_0001.CR3', size: 2_500_000 })).toBe(
      'path: /w/IMG_0001.CR3 · size: 2.50 MB',
    );
    expect(details({ recoveryMs: 91_644, weddings: 2 })).toBe('recovered in 1 min 32 s · weddings: 2');
    expect(details({ from: 'STANDARD', to: 'DEEP_ARCHIVE', moved: 100, monthlySaving: 2_200_979 })).toMatch(
      /^from: STANDARD · to: DEEP_ARCHIVE · moved: 100 · saves a month: (US)?\$2\.20$/,
    );
    expect(details({ nested: { a: 1 }, ok: true })).toBe('ok: true');
  });
});
