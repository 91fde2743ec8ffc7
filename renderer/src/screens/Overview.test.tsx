// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FailoverSummary, StatusReport } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { AtRisk, FailoverCard, ProtectedShare } from './Overview.js';

afterEach(cleanup);

const wedding = (id: number, couple: string, over: Partial<WeddingStatus> = {}): WeddingStatus => ({
  wedding: { id, slug: `w${id}`, couple, date: '2026-06-14', source: 'folder', folders: [] },
  files: 10,
  bytes: 1,
  protected: 10,
  pending: 0,
  failed: 0,
  skipped: 0,
  copies: {},
  belowTarget: 0,
  shortfall: null,
  ...over,
});

const status = (weddings: WeddingStatus[]): StatusReport => ({
  home: '/h',
  target: 2,
  weddings,
  unassigned: null,
  destinations: [],
  queue: { queued: 0, running: 0, retrying: 0 },
  problems: [],
  warnings: [],
  allProtected: false,
});

const incident = (over: Partial<FailoverSummary> = {}): FailoverSummary => ({
  destination: 'B2',
  reason: 'connection refused: the server is not answering',
  failedAt: '2026-06-14T10:00:00.000Z',
  downAt: '2026-06-14T10:00:03.000Z',
  backAt: null,
  recoveredAt: '2026-06-14T10:00:12.400Z',
  recoveryMs: 12_400,
  weddings: ['Smith & Jones'],
  ...over,
});

describe('the overview', () => {
  it('lists a wedding whose files are stored but below target as at risk, with the count', () => {
    render(
      <AtRisk
        status={status([
          wedding(1, 'Smith & Jones', { belowTarget: 4, shortfall: 'only one EU destination' }),
          wedding(2, 'Garcia & Lee'),
        ])}
      />,
    );
    const list = screen.getByRole('list');
    expect(list.textContent).toContain('Smith & Jones');
    expect(list.textContent).toContain('4 files below target');
    expect(list.textContent).not.toContain('Garcia & Lee');
    expect(screen.getByTestId('below-target').textContent).toBe(
      '1 wedding below target now (4 files): Smith & Jones.',
    );
  });

  it('says a wedding copied only to the laptop is only on the laptop, not waiting', () => {
    render(
      <AtRisk
        status={status([
          wedding(1, 'Smith & Jones', { files: 4, protected: 0, laptopOnly: 4, belowTarget: 4 }),
        ])}
      />,
    );
    const list = screen.getByRole('list');
    expect(list.textContent).toContain('4 files only on this laptop');
    expect(list.textContent).not.toContain('waiting');
  });

  it('counts what is only on the laptop apart from what is protected', () => {
    render(
      <ProtectedShare
        status={status([
          wedding(1, 'Smith & Jones', { files: 4, bytes: 200_000, protected: 0, laptopOnly: 4 }),
        ])}
      />,
    );
    expect(screen.getByTestId('protected-share').textContent).toBe('0%');
    expect(screen.getByText(/safe from a lost laptop/).textContent).toBe(
      '0 files of 4 files (200 KB) safe from a lost laptop; 4 only on its own disk.',
    );
  });

  it('says every wedding has its copies when none is below target', () => {
    render(<AtRisk status={status([wedding(2, 'Garcia & Lee')])} />);
    expect(screen.getByText('Every wedding has all its copies.')).toBeTruthy();
    expect(screen.queryByTestId('below-target')).toBeNull();
  });

  it('shows the last failover with its recovery time, and how many came before', () => {
    render(<FailoverCard failovers={[incident({ backAt: '2026-06-14T10:05:00.000Z' }), incident()]} />);
    expect(screen.getByTestId('recovery-time').textContent).toBe('12.4 s');
    const card = screen.getByTestId('last-failover').textContent;
    expect(card).toContain('B2 failed on');
    expect(card).toContain('connection refused: the server is not answering');
    expect(card).toContain('Every wedding met its target again after 12.4 s (failover recovery time).');
    expect(card).toContain('B2 is back since');
    expect(card).toContain('1 earlier failover.');
  });

  it('shows a failover still under way, and a calm line when there was none', () => {
    const { unmount } = render(
      <FailoverCard failovers={[incident({ recoveredAt: null, recoveryMs: null })]} />,
    );
    expect(screen.getByTestId('last-failover').textContent).toContain(
      'Recovering Copies are going to other destinations for Smith & Jones.',
    );
    expect(screen.getByTestId('last-failover').textContent).toContain('B2 is still down.');
    unmount();
    render(<FailoverCard failovers={[]} />);
    expect(screen.getByText('No destination has gone down.')).toBeTruthy();
  });
});
