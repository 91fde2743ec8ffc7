import type { Command } from 'commander';
import type { CostProvider, CostReport, RetrievalEstimate } from '../../../shared/model/cost.js';
import { systemClock } from '../clock.js';
import { databaseFile } from '../config/home.js';
import { formatUsd } from '../cost/money.js';
import { costReport } from '../cost/report.js';
import { Store } from '../store/store.js';
import { requireConfig } from './cmd-folders.js';
import type { GlobalOptions } from './context.js';
import { formatBytes, printJson, table } from './output.js';

const PROVIDERS: Record<CostProvider, string> = {
  local: 'local disk',
  aws: 'Amazon S3',
  gcs: 'Google Cloud Storage',
  azure: 'Azure Blob',
  b2: 'Backblaze B2',
  wasabi: 'Wasabi',
  custom: 'S3-compatible',
};

function className(provider: CostProvider, storageClass: string): string {
  return provider === 'local' ? PROVIDERS.local : `${PROVIDERS[provider]} ${storageClass}`;
}

function hours(min: number): string {
  return min % 60 === 0 ? `${min / 60} h` : min < 60 ? `${min} min` : `${(min / 60).toFixed(1)} h`;
}

/** A wait as a person reads it: "at once", "1-5 min", "3-5 h", "up to 12 h". */
export function formatWait(w: { min: number; max: number }): string {
  if (w.max === 0) return 'at once';
  if (w.min === 0) return `up to ${hours(w.max)}`;
  if (w.min < 60 && w.max < 60) return `${w.min}-${w.max} min`;
  if (w.min % 60 === 0 && w.max % 60 === 0) return `${w.min / 60}-${w.max / 60} h`;
  return `${hours(w.min)}-${hours(w.max)}`;
}

function restore(e: RetrievalEstimate | null): string {
  if (!e) return 'unknown';
  if (e.provider === 'local') return 'free';
  return `${formatUsd(e.total)}, ${formatWait(e.waitMinutes)}`;
}

/** The cost report as text for a person: weddings, destinations, classes, totals and where prices come from. */
export function renderCost(r: CostReport): string {
  const out: string[] = ['Monthly storage cost of what is stored now (USD, list prices).', ''];
  const dests = r.destinations.map((d) => d.name);
  const weddingRows = r.weddings.map((w) => [
    w.wedding ? `${w.wedding.date ?? '????-??-??'} ${w.wedding.couple}` : 'Unassigned files',
    String(w.objects),
    formatBytes(w.bytes),
    formatUsd(w.monthly),
    ...dests.map((d) => {
      const c = w.byDestination[d];
      return c === undefined ? '-' : formatUsd(c);
    }),
  ]);
  if (r.unattributed > 0)
    weddingRows.push([
      'Minimums not tied to a wedding',
      '',
      '',
      formatUsd(r.unattributed),
      ...dests.map(() => ''),
    ]);
  if (weddingRows.length === 0) out.push('No weddings yet.');
  else
    out.push(
      table([
        ['WEDDING', 'COPIES', 'SIZE (ALL COPIES)', 'PER MONTH', ...dests.map((d) => d)],
        ...weddingRows,
      ]),
    );
  out.push('');
  if (r.destinations.length === 0) out.push('No destinations configured.');
  else
    out.push(
      table([
        [
          'DESTINATION',
          'PROVIDER / CLASS',
          'OBJECTS',
          'SIZE',
          'STORAGE',
          'PER-OBJECT',
          'MINIMUM',
          'PER MONTH',
          'RESTORE ALL (standard)',
        ],
        ...r.destinations.map((d) => [
          d.name,
          className(d.provider, d.storageClass) + (d.priced ? '' : ' (no price)'),
          String(d.objects),
          formatBytes(d.bytes),
          formatUsd(d.monthly.storage),
          formatUsd(d.monthly.objectOverhead),
          formatUsd(d.monthly.minimum),
          formatUsd(d.monthly.total),
          restore(d.fullRestore),
        ]),
      ]),
    );
  if (r.classes.length > 0) {
    out.push('');
    out.push(
      table([
        ['CLASS', 'DESTINATIONS', 'SIZE', 'PER MONTH'],
        ...r.classes.map((c) => [
          className(c.provider, c.storageClass),
          c.destinations.join(', '),
          formatBytes(c.bytes),
          formatUsd(c.monthly.total),
        ]),
      ]),
    );
  }
  out.push('');
  out.push(`Total per month: ${formatUsd(r.monthlyTotal)}`);
  out.push(`Next 12 months, if nothing is added or removed: ${formatUsd(r.projection.total)}`);
  const saving = r.baseline.monthlySaving;
  out.push(
    `The same cloud copies all in S3 Standard: ${formatUsd(r.baseline.monthly)} a month (${formatUsd(r.baseline.projection.total)} over 12 months); ` +
      (saving >= 0
        ? `this placement saves ${formatUsd(saving)} a month.`
        : `this placement costs ${formatUsd(-saving)} a month more.`),
  );
  const exposure = r.destinations.reduce((s, d) => s + d.earlyDeletionExposure, 0);
  if (exposure > 0)
    out.push(
      `Deleting everything now would add ${formatUsd(exposure)} of early-deletion charges (minimum storage durations).`,
    );
  out.push('');
  out.push('Prices:');
  for (const p of r.prices)
    out.push(
      `  ${p.label} (${p.region}): ${p.overridden ? 'your overrides over ' : ''}list prices as of ${p.asOf}, ${p.source}`,
    );
  out.push(`Shared files: ${r.attribution}`);
  const notes = [...r.notes, ...r.destinations.flatMap((d) => d.notes.map((n) => `${d.name}: ${n}`))];
  if (notes.length > 0) out.push('Notes:', ...notes.map((n) => `  - ${n}`));
  return out.join('\n');
}

/** `keepsake cost [--json]`. Reads the config and the database only: no destination is contacted. */
export function registerCost(program: Command): void {
  program
    .command('cost')
    .description(
      'monthly storage cost by wedding, destination and class, a 12-month projection and an S3 Standard baseline',
    )
    .action((_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const { home, config } = requireConfig(g);
      const store = Store.open(databaseFile(home));
      try {
        const report = costReport(store, config, systemClock.now());
        if (g.json) printJson(report);
        else console.log(renderCost(report));
      } finally {
        store.close();
      }
    });
}
