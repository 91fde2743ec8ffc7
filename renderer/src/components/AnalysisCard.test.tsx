// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { WeddingAnalysis } from '../../../shared/model/analysis.js';
import { AnalysisCard } from './AnalysisCard.js';

afterEach(cleanup);

const analysis: WeddingAnalysis = {
  weddingId: 1,
  slug: '2026-06-14-smith-jones',
  couple: 'Smith & Jones',
  date: '2026-06-14',
  shot: {
    files: 5,
    bytes: 150e6,
    kinds: [
      { kind: 'raw', format: 'CR3', files: 2, bytes: 90e6 },
      { kind: 'raw', format: 'NEF', files: 1, bytes: 50e6 },
      { kind: 'jpeg', files: 2, bytes: 10e6 },
    ],
    cameras: [
      { make: 'Canon', model: 'Canon EOS R5', serial: '0321', files: 2 },
      { make: 'NIKON CORPORATION', model: 'NIKON Z 6', serial: null, files: 1 },
      { make: 'Apple', model: 'iPhone 15 Pro', serial: null, files: 2 },
    ],
    lenses: [{ lens: 'RF24-70mm F2.8 L IS USM', files: 2 }],
    megapixels: { known: 4, median: 45, max: 45, over12: 3 },
    photos: 5,
    over5MB: 3,
    capture: {
      first: '2026-06-14T10:02:00',
      last: '2026-06-14T22:10:00',
      sessions: [
        { first: '2026-06-14T10:02:00', last: '2026-06-14T11:30:00', files: 2 },
        { first: '2026-06-14T19:00:00', last: '2026-06-14T22:10:00', files: 3 },
      ],
      gapMinutes: 45,
      undated: 0,
    },
  },
  quality: {
    class: 'mixed',
    reason:
      '60% RAW, 60% from interchangeable-lens bodies, 40% from phones (neither professional nor amateur: e.g. phone photos among a pro shoot)',
  },
  access: {
    lastChanged: 0,
    lastRestored: null,
    lastOpened: null,
    temperature: 'cooling',
    reason: 'files changed 20 days ago (quiet for 14 days or more)',
  },
  compliance: {
    level: 'standard',
    checks: [
      {
        requirement: 'every file has a copy off the laptop',
        met: true,
        detail: '5 of 5 files are protected off the laptop',
      },
      {
        requirement: 'every destination holding its files is encrypted',
        met: false,
        detail: 'not encrypted: Vault',
      },
    ],
  },
};

describe('the wedding analysis card', () => {
  it('says what was shot, with which bodies, in which sessions, and how it is kept', () => {
    render(<AnalysisCard analysis={analysis} />);
    expect(screen.getByText(/3 RAW \(CR3 2, NEF 1\)/)).toBeTruthy();
    expect(
      screen.getByText(/Canon EOS R5 #0321 \(2\) · NIKON Z 6 \(1\) · Apple iPhone 15 Pro \(2\)/),
    ).toBeTruthy();
    expect(
      screen.getByText(/2 sessions between pauses of 45 min: 10:02–11:30 \(2\) · 19:00–22:10 \(3\)/),
    ).toBeTruthy();
    expect(screen.getByText('Mixed')).toBeTruthy();
    expect(screen.getByText('Cooling')).toBeTruthy();
    expect(screen.getByText('75%')).toBeTruthy();
    expect(screen.getByText(/1 of 2 requirements met/)).toBeTruthy();
    expect(
      screen.getByText(/✗ every destination holding its files is encrypted: not encrypted: Vault/),
    ).toBeTruthy();
  });
});
