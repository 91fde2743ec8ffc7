// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiFailure } from '../lib/api.js';
import { ConnectionTestView } from './ConnectionTest.js';
import { ErrorState } from './States.js';

afterEach(cleanup);

describe('error states', () => {
  it('turns a route the engine does not serve into a calm "not available yet"', () => {
    render(<ErrorState error={new ApiFailure(404, 'no route GET /api/cost')} what="The cost report" />);
    expect(screen.getByTestId('not-available').textContent).toContain(
      'The cost report is not available yet.',
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says what failed and offers to try again', () => {
    const retry = vi.fn();
    render(<ErrorState error={new ApiFailure(500, 'database is locked')} what="The wedding" retry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain(
      'The wedding could not be loaded.database is locked',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('explains how to sign in when the window has no session', () => {
    render(<ErrorState error={new ApiFailure(401, 'missing or wrong secret')} />);
    expect(screen.getByRole('alert').textContent).toContain('This window is not signed in.');
  });
});

describe('the connection test', () => {
  it('names the step that failed and its reason', () => {
    render(
      <ConnectionTestView
        test={{
          ok: false,
          steps: [
            { step: 'reach', ok: true, message: 'reachable' },
            { step: 'write', ok: false, message: 'access denied: the key may not write to this bucket' },
          ],
        }}
      />,
    );
    const t = screen.getByTestId('connection-test');
    expect(t.textContent).toContain('The test failed at “Write a test file”.');
    expect(t.textContent).toContain('access denied: the key may not write to this bucket');
  });
});
