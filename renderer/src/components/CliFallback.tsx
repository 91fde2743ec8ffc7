import { RESTART_NOTE } from '../lib/cli-hint.js';
import { NotAvailable } from './States.js';

/** A change this engine cannot make from the window yet, with the terminal command that makes it. */
export function CliFallback({ what, command }: { what: string; command: string }) {
  return (
    <NotAvailable what={what}>
      <p>Do it in a terminal for now:</p>
      <pre className="command">
        <code>{command}</code>
      </pre>
      <p className="muted">{RESTART_NOTE}</p>
    </NotAvailable>
  );
}
