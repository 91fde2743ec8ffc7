import type { Command } from 'commander';
import type { OptimizationPlan } from '../../../shared/model/optimize.js';
import { formatUsd } from '../cost/money.js';
import type { AppliedMove } from '../optimize/apply.js';
import { withEngine, type GlobalOptions } from './context.js';
import { formatBytes, printJson } from './output.js';

const months = (n: number) => (n <= 1 ? 'within a month' : `in ${n} months`);
const share = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');

/** The plan for a person: per wedding, the moves with their saving, one-time cost and break-even. */
export function renderPlan(p: OptimizationPlan): string {
  const out = ['Storing your weddings for less: the plan (USD, list prices).', ''];
  for (const w of p.weddings) {
    out.push(`${w.label}: ${w.reason}`);
    for (const m of w.moves) {
      out.push(
        `  ${m.destination}: ${m.from} -> ${m.to}, ${m.objects} objects (${formatBytes(m.bytes)}): saves ` +
          `${formatUsd(m.monthlySaving)} a month (${formatUsd(m.monthlyNow)} -> ${formatUsd(m.monthlyAfter)}); ` +
          `one-time ${formatUsd(m.oneTime.total)} (requests ${formatUsd(m.oneTime.requests)}, early deletion ` +
          `${formatUsd(m.oneTime.earlyDeletion)}), paid back ${months(m.breakEvenMonths)}; reading it all back ` +
          `${formatUsd(m.retrievalAfter)}${m.readableAtOnce ? '' : ', after a rehydration wait'}`,
      );
    }
  }
  const { naive, today, optimized } = p.monthly;
  out.push(
    '',
    `Monthly: every copy in its hot class ${formatUsd(naive)}; as stored today ${formatUsd(today)}; ` +
      `after this plan ${formatUsd(optimized)}.`,
    `This plan saves ${formatUsd(p.monthlySaving)} a month${share(p.monthlySaving, today)} against today and ` +
      `${formatUsd(naive - optimized)}${share(naive - optimized, naive)} against every copy hot; one-time cost ${formatUsd(p.oneTime)}.`,
  );
  for (const s of p.prices)
    out.push(
      `Prices: ${s.label} ${s.region}, as of ${s.asOf} (${s.source})${s.overridden ? ', with your overrides' : ''}.`,
    );
  for (const n of p.notes) out.push(`Note: ${n}`);
  return out.join('\n');
}

/** What `--apply` did, one line per move. */
export function renderApplied(applied: readonly AppliedMove[]): string {
  if (applied.length === 0) return 'Nothing to move: every wedding is where it should be.';
  return applied
    .map(
      (a) =>
        `${a.wedding}: ${a.destination} ${a.from} -> ${a.to}: ${a.moved} moved and confirmed` +
        (a.failed ? `, ${a.failed} left in ${a.from} (${a.reason})` : '') +
        (a.shared ? `, ${a.shared} shared with another wedding left as they are` : ''),
    )
    .join('\n');
}

/** `keepsake optimize [--apply] [--json]`. */
export function registerOptimize(program: Command): void {
  program
    .command('optimize')
    .description(
      'plan colder storage classes for cooling and cold weddings (saving, one-time cost, break-even); --apply carries it out',
    )
    .option('--apply', 'change the classes on the servers now, check them and record them')
    .action(async (opts: { apply?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(g, async (engine) => {
        if (!opts.apply) {
          const plan = await engine.optimizationPlan();
          if (g.json) return printJson(plan);
          console.log(renderPlan(plan));
          if (plan.weddings.some((w) => w.moves.length > 0))
            console.log('\nRun `keepsake optimize --apply` to carry it out.');
          return;
        }
        const { plan, applied } = await engine.applyOptimization();
        if (g.json) return printJson({ plan, applied });
        console.log(renderPlan(plan));
        console.log('');
        console.log(renderApplied(applied));
        if (applied.some((a) => a.failed > 0)) process.exitCode = 1;
      });
    });
}
