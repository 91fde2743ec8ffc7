// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioView } from '../../../shared/model/studio.js';
import { StudioTables } from './Studio.js';

afterEach(cleanup);

const view: StudioView = {
  destination: 'NAS',
  damaged: [{ key: 'devices/x.json', reason: 'not valid JSON' }],
  devices: [
    {
      id: 'device-lead',
      name: 'Lead laptop',
      lastSnapshot: '2026-06-15T10:22:31.000Z',
      weddings: 1,
      files: 1873,
      bytes: 1_873_000,
    },
    {
      id: 'device-anna',
      name: 'Anna second shooter',
      lastSnapshot: '2026-06-15T11:00:00.000Z',
      weddings: 1,
      files: 612,
      bytes: 612_000,
    },
  ],
  weddings: [
    {
      slug: '2026-06-14-smith-jones',
      couple: 'Smith & Jones',
      date: '2026-06-14',
      devices: [
        { name: 'Lead laptop', files: 1873, bytes: 1_873_000, snapshot: 's1' },
        { name: 'Anna second shooter', files: 612, bytes: 612_000, snapshot: 's2' },
      ],
      files: 2485,
      bytes: 2_485_000,
      destinations: 2,
    },
  ],
};

describe('the studio screen', () => {
  it('lists every laptop and, per wedding, what each one stored', () => {
    render(<StudioTables view={view} />);
    expect(screen.getAllByTestId('studio-device').map((r) => r.textContent)).toEqual([
      expect.stringContaining('Lead laptop'),
      expect.stringContaining('Anna second shooter'),
    ]);
    const wedding = screen.getByTestId('studio-wedding');
    expect(wedding.textContent).toContain('Lead laptop (1,873 files), Anna second shooter (612 files)');
    expect(wedding.textContent).toContain('2,485');
    expect(screen.getByRole('alert').textContent).toContain('devices/x.json cannot be read');
  });

  it('says so when no laptop stored anything there yet', () => {
    render(<StudioTables view={{ destination: 'NAS', devices: [], weddings: [], damaged: [] }} />);
    expect(screen.getByText('No laptop has stored a snapshot on NAS yet')).toBeTruthy();
  });
});
