import type { ConnectionTest } from '../../../shared/api/contract.js';
import { Icon } from './Icon.js';

const STEP: Record<ConnectionTest['steps'][number]['step'], string> = {
  reach: 'Reach it',
  write: 'Write a test file',
  read: 'Read it back',
  verify: 'Check its checksum',
  delete: 'Remove the test file',
};

/** The steps of a connection test, each passed or failed with the reason, and the verdict. */
export function ConnectionTestView({ test }: { test: ConnectionTest }) {
  const failed = test.steps.find((s) => !s.ok);
  return (
    <div
      className={`callout ${test.ok ? 'callout-ok' : 'callout-bad'}`}
      role="status"
      data-testid="connection-test"
    >
      <Icon name={test.ok ? 'check' : 'alert'} />
      <div>
        <strong>
          {test.ok
            ? 'Connection works: Keepsake can store, read back and verify files here.'
            : `The test failed at “${STEP[failed?.step ?? 'reach']}”.`}
        </strong>
        <ol className="steps">
          {test.steps.map((s) => (
            <li key={s.step} className={s.ok ? 'step-ok' : 'step-bad'}>
              <Icon name={s.ok ? 'check' : 'cross'} /> <span>{STEP[s.step]}</span>{' '}
              <span className="muted">{s.message}</span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
