// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WeddingPolicy, WeddingPolicyChange } from '../../../shared/api/contract.js';
import { PolicyForm, PolicySummary, policyChange } from './PolicyCard.js';

afterEach(cleanup);

const policy = (over: Partial<WeddingPolicy> = {}): WeddingPolicy => ({
  weddingId: 3,
  policy: {
    name: 'critical',
    copies: 2,
    distinctProviders: 2,
    offLaptopCopies: 2,
    coldCopies: 0,
    warmCopies: 2,
    residency: 'EU',
    priority: 1000,
    why: 'critical: the wedding is in 3 days (2026-06-17); needs 2 copies on 2 different providers',
  },
  requiredDestinations: ['B2', 'NAS'],
  settings: { delivered: false, residency: 'EU', override: null },
  mode: 'policy',
  files: 120,
  belowTarget: 0,
  shortfall: null,
  ...over,
});

describe('the wedding policy', () => {
  it('shows the policy, why, copies needed, region and that nothing is below target', () => {
    render(<PolicySummary policy={policy()} />);
    const s = screen.getByTestId('policy-summary');
    expect(s.textContent).toContain('PolicyWedding-day critical');
    expect(s.textContent).toContain('Copies needed2');
    expect(s.textContent).toContain('RegionEU');
    expect(s.textContent).toContain('Below targetNone');
    expect(s.textContent).toContain('Why: critical: the wedding is in 3 days (2026-06-17)');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows files below target and why the policy cannot be met', () => {
    render(
      <PolicySummary
        policy={policy({
          belowTarget: 40,
          shortfall: 'only 1 destination is tagged EU',
          policy: { ...policy().policy, residency: null },
        })}
      />,
    );
    expect(screen.getByTestId('policy-summary').textContent).toContain('Below target40 files of 120');
    expect(screen.getByTestId('policy-summary').textContent).toContain('RegionAnywhere');
    expect(screen.getByRole('status').textContent).toBe(
      'The policy cannot be met now: only 1 destination is tagged EU',
    );
  });

  it('says when copies follow the protection setting rather than the policy', () => {
    render(<PolicySummary policy={policy({ mode: 'all' })} />);
    expect(screen.getByTestId('policy-summary').textContent).toContain(
      'Copies follow the protection setting (one on every destination)',
    );
  });

  it('sends only what the form changed', () => {
    const current = { delivered: false, residency: 'EU', override: { policy: 'standard' as const } };
    expect(policyChange(current, { policy: 'standard', delivered: false, residency: 'eu ' })).toEqual({});
    expect(policyChange(current, { policy: 'auto', delivered: true, residency: '' })).toEqual({
      policy: 'auto',
      delivered: true,
      residency: null,
    });
  });

  it('saves a new policy, delivered and region, and says how many files are placed again', async () => {
    const onSave = vi.fn(async (_change: WeddingPolicyChange) =>
      policy({
        policy: { ...policy().policy, name: 'archive' },
        settings: { delivered: true, residency: null, override: { policy: 'archive' } },
        requeued: 120,
      }),
    );
    render(<PolicyForm policy={policy()} onSave={onSave} />);
    fireEvent.change(screen.getByLabelText('Policy'), { target: { value: 'archive' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /Delivered/ }));
    fireEvent.change(screen.getByLabelText('Keep every copy in region'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save protection' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Saved: Archive.'));
    expect(screen.getByRole('status').textContent).toContain('120 files will be placed again under it.');
    expect(onSave).toHaveBeenCalledExactlyOnceWith({ policy: 'archive', delivered: true, residency: null });
  });

  it('shows the engine’s refusal, and does not call it when nothing changed', async () => {
    const onSave = vi.fn(async (): Promise<WeddingPolicy> => {
      throw new Error('residency: a region tag of letters, digits or dashes, like EU');
    });
    render(<PolicyForm policy={policy()} onSave={onSave} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save protection' }));
    expect(screen.getByRole('status').textContent).toBe('Nothing changed.');
    expect(onSave).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText('Keep every copy in region'), { target: { value: 'E U' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save protection' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'residency: a region tag of letters, digits or dashes, like EU',
      ),
    );
  });
});
