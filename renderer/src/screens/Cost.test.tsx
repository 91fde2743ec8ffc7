// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CostReport } from '../../../shared/model/cost.js';
import { CostView, cumulative } from './Cost.js';

afterEach(cleanup);

const months = (m: number) => Array.from({ length: 12 }, () => m);
const report: CostReport = {
  generatedAt: '2026-06-20T10:00:00.000Z',
  currency: 'USD',
  weddings: [
    {
      wedding: { id: 1, slug: 's', couple: 'Smith & Jones', date: '2026-06-14' },
      objects: 2400,
      bytes: 91_200_000_000,
      monthly: 1_100_000,
      byDestination: { B2: 1_100_000 },
    },
  ],
  destinations: [
    {
      name: 'B2',
      kind: 'b2',
      provider: 'b2',
      storageClass: 'STANDARD',
      region: 'eu-central-003',
      priced: true,
      objects: 1200,
      bytes: 45_600_000_000,
      billedBytes: 45_600_000_000,
      monthly: { storage: 1_100_000, objectOverhead: 0, minimum: 0, total: 1_100_000 },
      earlyDeletionExposure: 0,
      uploadRequests: 0,
      fullRestore: null,
      notes: [],
    },
  ],
  classes: [],
  unattributed: 0,
  monthlyTotal: 1_100_000,
  projection: { months: months(1_100_000), total: 13_200_000 },
  baseline: {
    description: 'The same copies all in S3 Standard.',
    monthly: 1_050_000 * 1,
    projection: { months: months(1_050_000), total: 12_600_000 },
    monthlySaving: -50_000,
  },
  prices: [
    {
      provider: 'b2',
      label: 'Backblaze B2',
      region: 'any',
      asOf: '2026-01-01',
      source: 'backblaze.com/cloud-storage/pricing',
      overridden: false,
    },
  ],
  attribution: 'Shared content is charged once.',
  notes: ['B2 bills per GB per month.'],
};

describe('the cost dashboard', () => {
  it('shows the month, the year, the baseline and the saving, with the price sources', () => {
    render(<CostView report={report} />);
    expect(screen.getByTestId('cost-monthly').textContent).toMatch(/^(US)?\$1\.10$/);
    expect(screen.getByText(/^(US)?\$13\.20$/)).toBeTruthy();
    // A setup dearer than the baseline is said so, not shown as a negative saving.
    expect(screen.getByText('You pay more than S3 Standard by')).toBeTruthy();
    expect(screen.getByTestId('cost-saving').textContent).toMatch(/^(US)?\$0\.05 \/ month$/);
    expect(screen.getByText(/Smith & Jones/)).toBeTruthy();
    expect(screen.getByText('Backblaze B2')).toBeTruthy();
    expect(screen.getByText('Shared content is charged once.')).toBeTruthy();
  });

  it('says why an S3-compatible server costs $0.00, and how to give its price', () => {
    const custom = {
      ...report.destinations[0]!,
      name: 'MinIO',
      kind: 's3' as const,
      provider: 'custom' as const,
      priced: false,
    };
    render(<CostView report={{ ...report, destinations: [...report.destinations, custom] }} />);
    expect(screen.getByTestId('cost-unpriced').textContent).toMatch(
      /MinIO is an S3-compatible server without a list price, so its copies count as \$0\.00 here\. Add the price per GB-month under priceOverrides\.custom/,
    );
  });

  it('charts the year as running totals of both setups', () => {
    const c = cumulative(report);
    expect(c).toHaveLength(12);
    expect(c[0]).toEqual({ month: 'Month 1', keepsake: 1.1, baseline: 1.05 });
    expect(c[11]).toEqual({ month: 'Month 12', keepsake: 13.2, baseline: 12.6 });
  });
});
