/**
 * The studio cost model (`npx tsx bench/cost/run.ts`, the last step of `npm run bench`): five years of
 * a 40-weddings-a-year studio priced four ways (see studio.ts). Prints a table and writes
 * bench/results/cost.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultStudio, studioBill } from './studio.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const settings = {
  ...defaultStudio,
  years: Number(process.env.KEEPSAKE_BENCH_STUDIO_YEARS ?? defaultStudio.years),
};
const bill = studioBill(settings);
const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
const rows = [
  ['year', 'naive (2 hot copies)', 'Keepsake today', 'Keepsake optimized', 'rclone to B2 (1 copy)'],
  ...bill.years.map((y) => [String(y.year), usd(y.naive), usd(y.today), usd(y.optimized), usd(y.rcloneB2)]),
  [
    'total',
    usd(bill.totals.naive),
    usd(bill.totals.today),
    usd(bill.totals.optimized),
    usd(bill.totals.rcloneB2),
  ],
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(
  `\nStudio cost model: ${settings.weddingsPerYear} weddings a year of ${settings.minGB}-${settings.maxGB} GB, ` +
    `2 cloud copies (S3 + B2), delivered after ${settings.deliveredAfterDays} days, ${settings.years} years, list prices.`,
);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(
  `Optimized saves ${(bill.saving * 100).toFixed(1)}% of the naive bill over ${settings.years} years ` +
    `(moves: ${Object.entries(bill.moves)
      .map(([k, n]) => `${k} x${n}`)
      .join(', ')}). ` +
    'Keepsake today keeps each copy in its configured (hot) class: the same as naive here.',
);
mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
writeFileSync(join(repoRoot, 'bench', 'results', 'cost.json'), JSON.stringify(bill, null, 2) + '\n');
