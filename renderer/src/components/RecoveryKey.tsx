import { useId, useState } from 'react';
import { Icon } from './Icon.js';

const PREFIX = 'AGE-SECRET-KEY-1';

/** A recovery key laid out for paper, as `keepsake` prints it: the prefix, then groups of six, five a line. */
export function formatRecoveryKey(key: string): string {
  const body = key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key;
  const groups = body.match(/.{1,6}/g) ?? [];
  const lines = [PREFIX];
  for (let i = 0; i < groups.length; i += 5) lines.push(groups.slice(i, i + 5).join(' '));
  return lines.join('\n');
}

/**
 * The recovery key of a new encryption key, shown this once (Keepsake does not keep it): printed or
 * written down, it opens the backups when the passphrase is forgotten (`keepsake restore
 * --recovery-key FILE`). It stays on screen until the person says it is kept.
 */
export function RecoveryKeyNotice({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }) {
  const [kept, setKept] = useState(false);
  const id = useId();
  const text = formatRecoveryKey(recoveryKey);
  const download = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
    a.download = 'keepsake-recovery-key.txt';
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <div className="callout callout-warn" role="alert" data-testid="recovery-key">
      <Icon name="shield" />
      <div>
        <strong>Your recovery key, shown only this once</strong>
        <p>
          With it your backups can be opened if the passphrase is forgotten. Print it or write it down and
          keep it away from this computer (a safe, a bank box). Keepsake does not keep a copy.
        </p>
        <pre className="command" aria-label="Recovery key">
          <code>{text}</code>
        </pre>
        <div className="actions">
          <button type="button" className="button" onClick={() => window.print()}>
            Print
          </button>
          <button type="button" className="button" onClick={download}>
            Save as a text file
          </button>
        </div>
        <label className="check" htmlFor={id}>
          <input id={id} type="checkbox" checked={kept} onChange={(e) => setKept(e.target.checked)} />
          <span>I have printed it or written it down</span>
        </label>
        <button type="button" className="button button-primary" disabled={!kept} onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
