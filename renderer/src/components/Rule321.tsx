import type { Rule321 } from '../lib/protection.js';
import { Icon } from './Icon.js';

/** The 3-2-1 state in words: "3 copies, 2 kinds of media, 1 off-site", and what is missing. */
export function Rule321Line({ rule, detailed = false }: { rule: Rule321; detailed?: boolean }) {
  return (
    <span className={`rule321 ${rule.met ? 'rule321-met' : 'rule321-short'}`} data-testid="rule321">
      {rule.met && <Icon name="check" label="3-2-1 met" />}
      <span>{rule.words}</span>
      {detailed && !rule.met && <span className="muted"> — for 3-2-1, add {rule.missing.join(', ')}.</span>}
    </span>
  );
}
