import { describe, expect, it } from 'vitest';
import type { WeddingSettings } from '../store/weddings.js';
import { applyChange } from './wedding-settings.js';

const none: WeddingSettings = { delivered: false, residency: null, override: null };
const set: WeddingSettings = {
  delivered: true,
  residency: 'EU',
  override: { policy: 'critical', copies: 3, coldCopies: 1 },
};

describe('a change to a wedding’s protection settings', () => {
  it('changes only the fields given, keeping the rest of the override', () => {
    expect(applyChange(set, { copies: 2 })).toEqual({
      ok: true,
      settings: { ...set, override: { policy: 'critical', copies: 2, coldCopies: 1 } },
    });
    expect(applyChange(none, { policy: 'archive', delivered: true, residency: ' eu ' })).toEqual({
      ok: true,
      settings: { delivered: true, residency: 'EU', override: { policy: 'archive' } },
    });
  });

  it('goes back to what the dates and the policy say with auto, null and no residency', () => {
    expect(applyChange(set, { policy: 'auto', copies: null, residency: null, delivered: false })).toEqual({
      ok: true,
      settings: { delivered: false, residency: null, override: { coldCopies: 1 } },
    });
    const cleared = applyChange({ ...none, override: { policy: 'standard' } }, { policy: 'auto' });
    expect(cleared).toEqual({ ok: true, settings: none });
  });

  it('refuses what the override schema refuses, naming the field', () => {
    for (const [change, message] of [
      [{ copies: 0 }, 'copies: Too small: expected number to be >=1'],
      [{ copies: 11 }, 'copies: Too big: expected number to be <=10'],
      [{ copies: 1.5 }, 'copies: Invalid input: expected int, received number'],
      [{ policy: 'gold' }, 'policy: Invalid option: expected one of "critical"|"standard"|"archive"|"auto"'],
      [{ residency: 'E U' }, 'residency: a region tag of letters, digits or dashes, like EU'],
      [{ delivered: 'yes' }, 'delivered: Invalid input: expected boolean, received string'],
      [{ distinctProviders: 2 }, 'Unrecognized key: "distinctProviders"'],
      [{}, 'nothing to change: give policy, copies, delivered or residency'],
    ] as const) {
      expect(applyChange(set, change), JSON.stringify(change)).toEqual({ ok: false, message });
    }
    expect(applyChange(set, null)).toMatchObject({ ok: false });
    expect(applyChange(set, 'critical')).toMatchObject({ ok: false });
  });
});
