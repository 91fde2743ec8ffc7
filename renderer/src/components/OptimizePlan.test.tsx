// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OptimizationPlan } from '../../../shared/model/optimize.js';
import { OptimizePlan, planBars } from './OptimizePlan.js';

afterEach(cleanup);

const plan: OptimizationPlan = {
  generatedAt: '2027-03-01T12:00:00.000Z',
  weddings: [
    {
      weddingId: 1,
      label: '2026-06-14 Smith & Jones',
      policy: 'archive',
      temperature: 'cold',
      reason: 'cold and delivered: colder classes',
      moves: [
        {
          destination: 'S3',
          from: 'STANDARD',
          to: 'DEEP_ARCHIVE',
          objects: 100,
          bytes: 100 * 2 ** 30,
          monthlyNow: 2_300_000,
          monthlyAfter: 99_021,
          monthlySaving: 2_200_979,
          oneTime: { requests: 5_000, earlyDeletion: 0, total: 5_000 },
          breakEvenMonths: 1,
          retrievalAfter: 2_000_000,
          readableAtOnce: false,
        },
      ],
    },
    {
      weddingId: 2,
      label: '2026-11-02 Patel & Kim',
      policy: 'critical',
      temperature: 'hot',
      reason: 'in its critical window: never moved',
      moves: [],
    },
  ],
  monthly: { naive: 2_944_000, today: 2_944_000, optimized: 743_021 },
  monthlySaving: 2_200_979,
  oneTime: 5_000,
  prices: [],
  notes: ['Dropping extra copies is not proposed: Keepsake never deletes a stored copy yet.'],
};

describe('the optimizer card', () => {
  it('shows the saving against today and against every copy hot, and each move', () => {
    render(<OptimizePlan plan={plan} onApply={vi.fn()} />);
    expect(
      screen.getByText(/1 move would save \$2\.20 a month \(75% of today’s bill, 75% of every copy hot\)/),
    ).toBeTruthy();
    expect(screen.getByText('S3: STANDARD → DEEP_ARCHIVE')).toBeTruthy();
    expect(screen.getByText(/restores from here wait for a rehydration/)).toBeTruthy();
    expect(planBars(plan).map((b) => b.monthly)).toEqual([2.94, 2.94, 0.74]);
  });

  it('asks before applying, then says what was moved', async () => {
    const onApply = vi.fn().mockResolvedValue({
      plan,
      applied: [
        {
          wedding: '2026-06-14 Smith & Jones',
          destination: 'S3',
          from: 'STANDARD',
          to: 'DEEP_ARCHIVE',
          moved: 100,
          failed: 0,
          reason: null,
          shared: 0,
        },
      ],
    });
    render(<OptimizePlan plan={plan} onApply={onApply} />);
    fireEvent.click(screen.getByRole('button', { name: 'Apply the plan' }));
    expect(onApply).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Yes, apply' }));
    await waitFor(() =>
      expect(screen.getByTestId('optimize-result').textContent).toMatch(/100 copies moved and confirmed/),
    );
    expect(onApply).toHaveBeenCalledTimes(1);
  });
});
