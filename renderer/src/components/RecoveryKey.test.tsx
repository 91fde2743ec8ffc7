// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatRecoveryKey, RecoveryKeyNotice } from './RecoveryKey.js';

afterEach(cleanup);

const KEY = 'AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQS7Q3XMN';

describe('the recovery key notice', () => {
  it('lays the key out for paper as `keepsake` prints it: the prefix, then five groups of six a line', () => {
    expect(formatRecoveryKey(KEY)).toBe(
      [
        'AGE-SECRET-KEY-1',
        'QYQSZQ GPQYQS ZQGPQY QSZQGP QYQSZQ',
        'GPQYQS ZQGPQY QSZQGP QYQSZQ GPQYQS',
        '7Q3XMN',
      ].join('\n'),
    );
    expect(formatRecoveryKey(KEY).replace(/\s+/g, '')).toBe(KEY);
  });

  it('stays until the person says the key is kept', () => {
    const done = vi.fn();
    render(<RecoveryKeyNotice recoveryKey={KEY} onDone={done} />);
    expect(screen.getByLabelText('Recovery key').textContent).toBe(formatRecoveryKey(KEY));
    const button = screen.getByRole('button', { name: 'Done' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.click(button);
    expect(done).not.toHaveBeenCalled();
    fireEvent.click(screen.getByLabelText('I have printed it or written it down'));
    fireEvent.click(button);
    expect(done).toHaveBeenCalledOnce();
  });
});
