// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { WeddingDetail } from '../../../shared/api/contract.js';
import { groupByFolder, SnapshotTimeline } from './WeddingDetail.js';

afterEach(cleanup);

const file = (id: number, relPath: string): WeddingDetail['files'][number] => ({
  id,
  path: `/w/${relPath}`,
  relPath,
  weddingId: 1,
  size: 1,
  mtimeMs: 0,
  hash: null,
  captureTime: null,
  state: 'pending',
  error: null,
  copies: [],
});

describe('the wedding detail', () => {
  it('groups files by folder, the top level first, names in order', () => {
    const groups = groupByFolder([
      file(1, 'RAW/b.CR3'),
      file(2, 'notes.txt'),
      file(3, 'RAW/a.CR3'),
      file(4, 'JPEG/x.jpg'),
    ]);
    expect(groups.map(([f, list]) => [f, list.map((x) => x.id)])).toEqual([
      ['', [2]],
      ['JPEG', [4]],
      ['RAW', [3, 1]],
    ]);
  });

  it('shows the snapshot timeline newest first, each one browsable for a restore', () => {
    render(
      <SnapshotTimeline
        weddingId={4}
        snapshots={[
          {
            wedding: 'w',
            id: '2026-06-15T10-22-31.123Z',
            key: 'k2',
            createdAt: '',
            destinations: ['Drive', 'Vault'],
            device: 'lead-id',
            deviceName: 'lead-laptop',
          },
          {
            wedding: 'w',
            id: '2026-06-14T18-00-00.000Z',
            key: 'k1',
            createdAt: '',
            destinations: ['Vault'],
            device: null,
            deviceName: null,
          },
        ]}
      />,
    );
    const links = screen.getAllByRole('link', { name: 'Browse and restore this version' });
    expect(links.map((l) => l.getAttribute('href'))).toEqual([
      '#/restore/4/2026-06-15T10-22-31.123Z',
      '#/restore/4/2026-06-14T18-00-00.000Z',
    ]);
    expect(screen.getByText('Latest')).toBeTruthy();
    expect(screen.getByText('On Drive and Vault, made on lead-laptop')).toBeTruthy();
  });

  it('says what a snapshot is when there is none yet', () => {
    render(<SnapshotTimeline weddingId={4} snapshots={[]} />);
    expect(screen.getByText('No snapshot yet')).toBeTruthy();
  });
});
