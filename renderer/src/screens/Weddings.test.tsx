// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DestinationStatus } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { WeddingsTable } from './Weddings.js';

afterEach(cleanup);

const dest = (
  name: string,
  kind: DestinationStatus['kind'],
  over: Partial<DestinationStatus> = {},
): DestinationStatus => ({
  name,
  kind,
  location: `/${name}`,
  enabled: true,
  reachable: true,
  problem: null,
  objects: 0,
  health: 'unknown',
  since: null,
  ...over,
});

describe('the weddings table', () => {
  it('shows date, couple, files, size, a badge per destination and the 3-2-1 state', () => {
    const w: WeddingStatus = {
      wedding: {
        id: 7,
        slug: '2026-06-14-smith',
        couple: 'Smith & Jones',
        date: '2026-06-14',
        source: 'folder',
        folders: [],
      },
      files: 1200,
      bytes: 45_600_000_000,
      protected: 600,
      pending: 600,
      failed: 0,
      skipped: 0,
      copies: { Vault: 1200, B2: 600, NAS: 0 },
    };
    render(
      <WeddingsTable
        weddings={[w]}
        destinations={[
          dest('Vault', 'local'),
          dest('B2', 'b2'),
          dest('NAS', 'local', { reachable: false, problem: 'share not mounted' }),
        ]}
      />,
    );
    const row = screen.getByTestId('wedding-row');
    expect(within(row).getByRole('link', { name: 'Smith & Jones' }).getAttribute('href')).toBe('#/wedding/7');
    expect(row.textContent).toMatch(/Sun.*14.*2026|Sun.*Jun 14, 2026/);
    expect(row.textContent).toContain('45.6 GB');
    expect(within(row).getByText('Protected')).toBeTruthy();
    expect(within(row).getByText('Uploading 50%')).toBeTruthy();
    // A destination that is down is waited for and retried: "Waiting", not "Failed" (issue 15 item 2).
    expect(within(row).getByText('Waiting').closest('[title]')?.getAttribute('title')).toBe(
      'NAS: share not mounted. Keepsake retries on its own.',
    );
    expect(within(row).getByTestId('rule321').textContent).toBe('2 copies, 1 kind of media, none off-site');
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Date',
      'Couple',
      'Files',
      'Size',
      'Vault',
      'B2',
      'NAS',
      '3-2-1',
    ]);
  });

  it('lists unassigned files without a link', () => {
    const u: WeddingStatus = {
      wedding: null,
      files: 3,
      bytes: 10,
      protected: 3,
      pending: 0,
      failed: 0,
      skipped: 0,
      copies: { Vault: 3 },
    };
    render(<WeddingsTable weddings={[u]} destinations={[dest('Vault', 'local')]} />);
    expect(screen.getByText('Unassigned files')).toBeTruthy();
    expect(screen.queryByRole('link')).toBeNull();
  });
});
