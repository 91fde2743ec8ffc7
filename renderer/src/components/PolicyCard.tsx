import { useState, type FormEvent } from 'react';
import type { WeddingPolicy, WeddingPolicyChange } from '../../../shared/api/contract.js';
import type { PolicyName } from '../../../shared/model/policy.js';
import { plural } from '../lib/format.js';
import { Badge } from './Badge.js';
import { Icon } from './Icon.js';
import { SaveResult } from './States.js';

/** Each policy's name as the photographer reads it. */
export const POLICY_TITLES: Record<PolicyName, string> = {
  critical: 'Wedding-day critical',
  standard: 'Standard',
  archive: 'Archive',
};

/** What the form would send: only what differs from the wedding's settings now (empty: nothing changed). */
export function policyChange(
  current: WeddingPolicy['settings'],
  form: { policy: PolicyName | 'auto'; delivered: boolean; residency: string },
): WeddingPolicyChange {
  const change: WeddingPolicyChange = {};
  if (form.policy !== (current.override?.policy ?? 'auto')) change.policy = form.policy;
  if (form.delivered !== current.delivered) change.delivered = form.delivered;
  const residency = form.residency.trim().toUpperCase() || null;
  if (residency !== current.residency) change.residency = residency;
  return change;
}

/** The wedding's policy now: its name, why, the copies it needs, its region and how far it is from target. */
export function PolicySummary({ policy }: { policy: WeddingPolicy }) {
  const p = policy.policy;
  return (
    <div data-testid="policy-summary">
      <dl className="stats">
        <div>
          <dt>Policy</dt>
          <dd>{POLICY_TITLES[p.name]}</dd>
        </div>
        <div>
          <dt>Copies needed</dt>
          <dd>{p.copies}</dd>
        </div>
        <div>
          <dt>Region</dt>
          <dd>{p.residency ?? 'Anywhere'}</dd>
        </div>
        <div>
          <dt>Below target</dt>
          <dd>
            {policy.belowTarget === 0 ? (
              <Badge tone="ok">None</Badge>
            ) : (
              <Badge tone="warn">
                {plural(policy.belowTarget, 'file')} of {policy.files}
              </Badge>
            )}
          </dd>
        </div>
      </dl>
      <p className="muted">Why: {p.why}.</p>
      {policy.mode !== 'policy' && (
        <p className="hint">
          Copies follow the protection setting (
          {policy.mode === 'all' ? 'one on every destination' : plural(policy.mode, 'copy', 'copies')}
          ); the policy sets this wedding’s priority and region.
        </p>
      )}
      {policy.shortfall && (
        <p className="callout callout-warn" role="status">
          <Icon name="alert" />
          <span>The policy cannot be met now: {policy.shortfall}</span>
        </p>
      )}
    </div>
  );
}

/** A small form for the wedding's policy, delivered and region; saves only what changed. */
export function PolicyForm({
  policy,
  onSave,
}: {
  policy: WeddingPolicy;
  onSave: (change: WeddingPolicyChange) => Promise<WeddingPolicy>;
}) {
  const s = policy.settings;
  const [name, setName] = useState<PolicyName | 'auto'>(s.override?.policy ?? 'auto');
  const [delivered, setDelivered] = useState(s.delivered);
  const [residency, setResidency] = useState(s.residency ?? '');
  const [note, setNote] = useState<{ ok?: string; error?: string; busy?: boolean } | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const change = policyChange(s, { policy: name, delivered, residency });
    if (Object.keys(change).length === 0) return setNote({ ok: 'Nothing changed.' });
    setNote({ busy: true });
    try {
      const next = await onSave(change);
      setNote({
        ok: `Saved: ${POLICY_TITLES[next.policy.name]}. ${plural(next.requeued ?? 0, 'file')} will be placed again under it.`,
      });
    } catch (err) {
      setNote({ error: (err as Error).message });
    }
  };
  return (
    <form className="form" onSubmit={save} aria-label="Change this wedding’s protection">
      <div className="field">
        <label htmlFor="pol-name">Policy</label>
        <select id="pol-name" value={name} onChange={(e) => setName(e.target.value as PolicyName | 'auto')}>
          <option value="auto">Decided by its dates</option>
          {(Object.keys(POLICY_TITLES) as PolicyName[]).map((k) => (
            <option key={k} value={k}>
              Always {POLICY_TITLES[k].toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <label className="check">
        <input type="checkbox" checked={delivered} onChange={(e) => setDelivered(e.target.checked)} />
        Delivered to the couple (moves it to the archive policy after the wedding days)
      </label>
      <div className="field">
        <label htmlFor="pol-region">Keep every copy in region</label>
        <input
          id="pol-region"
          value={residency}
          placeholder="Anywhere"
          onChange={(e) => setResidency(e.target.value)}
        />
        <p className="hint">A region tag of your destinations, e.g. EU for GDPR. Empty: anywhere.</p>
      </div>
      <button type="submit" className="button button-primary" disabled={note?.busy}>
        {note?.busy ? 'Saving…' : 'Save protection'}
      </button>
      <SaveResult note={note} />
    </form>
  );
}
