// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RestoreSummary } from '../../../../shared/api/contract.js';
import { combine, RehydratePanel, RestoreResultView } from './RestoreResult.js';

afterEach(cleanup);

const summary = (over: Partial<RestoreSummary> = {}): RestoreSummary => ({
  snapshot: { wedding: 'w', id: '2026-06-15T10-22-31.123Z', key: 'k', createdAt: '', device: null },
  from: 'Vault',
  restored: 2,
  bytes: 2_000_000,
  existing: [],
  refused: [],
  failed: [],
  archived: [],
  ...over,
});

describe('the restore result', () => {
  it('says every file was verified when all came back', () => {
    render(
      <RestoreResultView
        results={[summary(), summary({ restored: 1, bytes: 1_000_000, from: 'Drive' })]}
        target="/r"
      />,
    );
    const ok = screen.getByTestId('restore-verified');
    expect(ok.textContent).toContain('3 files (3.00 MB) restored to /r');
    expect(ok.textContent).toContain('Every file was verified');
    expect(ok.textContent).toContain('Vault, Drive');
  });

  it('names each file that could not be restored and why, and never claims all were verified then', () => {
    render(
      <RestoreResultView
        results={[
          summary({
            failed: [{ path: 'RAW/1.CR3', reason: 'Vault: checksum mismatch' }],
            existing: ['a.jpg'],
          }),
        ]}
        target="/r"
      />,
    );
    expect(screen.queryByTestId('restore-verified')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('RAW/1.CR3: Vault: checksum mismatch');
    expect(screen.getByText('1 file already in the folder was kept as it is.')).toBeTruthy();
  });

  it('adds up several restores', () => {
    const c = combine([
      summary({ archived: [{ path: 'x', destination: 'Glacier', requested: false }] }),
      summary(),
    ]);
    expect(c).toMatchObject({ restored: 4, bytes: 4_000_000, from: ['Vault'], archived: [{ path: 'x' }] });
  });
});

describe('archived files', () => {
  it('offers the three speeds and requests the chosen one', async () => {
    const onRequest = vi.fn(async () => undefined);
    render(
      <RehydratePanel
        archived={[{ path: 'RAW/1.CR3', destination: 'Glacier', requested: false }]}
        sizes={{ 'RAW/1.CR3': 50_000_000 }}
        onRequest={onRequest}
      />,
    );
    expect(screen.getByTestId('archived').textContent).toContain('1 file is in archive storage on Glacier');
    fireEvent.click(screen.getByRole('button', { name: 'Request standard rehydration' }));
    expect(onRequest).toHaveBeenCalledWith('standard');
  });

  it('says the request was made and when to come back', () => {
    render(
      <RehydratePanel
        archived={[{ path: 'a', destination: 'Glacier', requested: true }]}
        sizes={{}}
        onRequest={async () => undefined}
      />,
    );
    expect(screen.getByTestId('rehydration-requested').textContent).toContain('Run this restore again');
  });
});
