import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { OptimizationApplied } from '../../../shared/api/contract.js';
import type { OptimizationPlan } from '../../../shared/model/optimize.js';
import { useLiveEvent } from '../lib/events.js';
import { formatBytes, formatMoney, plural } from '../lib/format.js';
import { Icon } from './Icon.js';
import { Progress } from './Progress.js';

const dollars = (micros: number) => Math.round(micros / 10_000) / 100;
const money = (v: unknown) => formatMoney(Number(v) * 1_000_000);
/** Money, with amounts under a cent said so rather than shown as $0.00. */
const cents = (micros: number) => (micros > 0 && micros < 10_000 ? 'under $0.01' : formatMoney(micros));
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);

/** The three monthly bills the plan is measured against, for the chart. */
export function planBars(plan: OptimizationPlan): { name: string; monthly: number }[] {
  return [
    { name: 'Every copy hot', monthly: dollars(plan.monthly.naive) },
    { name: 'As stored today', monthly: dollars(plan.monthly.today) },
    { name: 'After this plan', monthly: dollars(plan.monthly.optimized) },
  ];
}

/**
 * The cost screen's optimizer card: the plan per wedding, its saving against today and against every
 * copy hot, and an Apply button that asks first, then shows the class changes as they are made.
 */
export function OptimizePlan({
  plan,
  onApply,
}: {
  plan: OptimizationPlan;
  onApply: () => Promise<OptimizationApplied>;
}) {
  const [stage, setStage] = useState<'idle' | 'confirm' | 'applying' | 'done' | 'failed'>('idle');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<OptimizationApplied | null>(null);
  const [error, setError] = useState<string | null>(null);
  useLiveEvent(['optimize'], (e) => setProgress({ done: e.done, total: e.total }));
  const moves = plan.weddings.flatMap((w) => w.moves.map((m) => ({ w, m })));
  const apply = async () => {
    setStage('applying');
    try {
      setResult(await onApply());
      setStage('done');
    } catch (err) {
      setError((err as Error).message);
      setStage('failed');
    }
  };
  return (
    <div data-testid="optimize">
      <p>
        {moves.length === 0
          ? 'Nothing to move now: every wedding is hot, protected below target, or already in its cheapest sensible class.'
          : `${plural(moves.length, 'move')} would save ${cents(plan.monthlySaving)} a month ` +
            `(${percent(plan.monthlySaving, plan.monthly.today)}% of today’s bill, ${percent(plan.monthly.naive - plan.monthly.optimized, plan.monthly.naive)}% of every copy hot), ` +
            `for ${cents(plan.oneTime)} once.`}
      </p>
      {plan.monthly.naive < 10_000 ? (
        <p className="muted">The priced copies cost under a cent a month in any class.</p>
      ) : (
        <div className="chart" role="img" aria-label="Monthly bill: every copy hot, today, after the plan">
          <ResponsiveContainer width="100%" height={160}>
            <BarChart data={planBars(plan)} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e3dfd8" vertical={false} />
              <XAxis dataKey="name" tick={{ fill: '#4a5058', fontSize: 12 }} />
              <YAxis tickFormatter={money} tick={{ fill: '#4a5058', fontSize: 12 }} width={70} />
              <Tooltip formatter={money} />
              <Bar dataKey="monthly" name="Per month" fill="#2f5d50" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      {moves.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Wedding</th>
                <th scope="col">Copy</th>
                <th scope="col" className="num">
                  Saves a month
                </th>
                <th scope="col" className="num">
                  Once
                </th>
                <th scope="col">Pays back</th>
              </tr>
            </thead>
            <tbody>
              {moves.map(({ w, m }) => (
                <tr key={`${w.weddingId}/${m.destination}`}>
                  <td>
                    {w.label}
                    <div className="muted">{w.reason}</div>
                  </td>
                  <td>
                    {m.destination}: {m.from} → {m.to}
                    <div className="muted">
                      {plural(m.objects, 'file')}, {formatBytes(m.bytes)}
                      {m.readableAtOnce ? '' : '; restores from here wait for a rehydration'}
                    </div>
                  </td>
                  <td className="num">{cents(m.monthlySaving)}</td>
                  <td className="num">{cents(m.oneTime.total)}</td>
                  <td>{m.breakEvenMonths <= 1 ? 'within a month' : `in ${m.breakEvenMonths} months`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {stage === 'idle' && moves.length > 0 && (
        <p className="actions">
          <button type="button" className="button button-primary" onClick={() => setStage('confirm')}>
            Apply the plan
          </button>
        </p>
      )}
      {stage === 'confirm' && (
        <div className="callout callout-warn" role="alertdialog" aria-label="Apply the plan?">
          <Icon name="alert" />
          <span>
            Move {plural(moves.length, 'copy group')} to colder classes on the servers now? Your other copies
            stay as they are; a wedding in its critical window or below target is never moved.{' '}
            <button type="button" className="button button-primary" onClick={() => void apply()}>
              Yes, apply
            </button>{' '}
            <button type="button" className="button" onClick={() => setStage('idle')}>
              Cancel
            </button>
          </span>
        </div>
      )}
      {stage === 'applying' && (
        <div role="status">
          <p>Changing storage classes on the servers…</p>
          <Progress
            value={progress && progress.total > 0 ? (progress.done / progress.total) * 100 : null}
            label="Copies moved to their new class"
          />
        </div>
      )}
      {stage === 'done' && result && (
        <ul role="status" className="muted" data-testid="optimize-result">
          {result.applied.map((a) => (
            <li key={`${a.wedding}/${a.destination}`}>
              {a.wedding}: {a.destination} {a.from} → {a.to}: {plural(a.moved, 'copy', 'copies')} moved and
              confirmed
              {a.failed > 0 && `, ${a.failed} left in ${a.from} (${a.reason})`}
            </li>
          ))}
        </ul>
      )}
      {stage === 'failed' && (
        <p className="callout callout-warn" role="alert">
          <Icon name="alert" />
          <span>The plan could not be applied: {error}</span>
        </p>
      )}
      {plan.notes.map((n) => (
        <p key={n} className="muted">
          {n}
        </p>
      ))}
    </div>
  );
}
