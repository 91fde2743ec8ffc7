import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CostReport } from '../../../shared/model/cost.js';
import { Icon } from '../components/Icon.js';
import { OptimizePlan } from '../components/OptimizePlan.js';
import { Empty, ErrorState, Loading, NotAvailable } from '../components/States.js';
import { api, notServed } from '../lib/api.js';
import { formatBytes, formatDay, formatMoney, formatTime } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';

const dollars = (micros: number) => Math.round(micros / 10_000) / 100;
const money = (v: unknown) => formatMoney(Number(v) * 1_000_000);

/** Twelve months of projected spending, month by month summed up, next to the all-S3-Standard baseline. */
export function cumulative(report: CostReport): { month: string; keepsake: number; baseline: number }[] {
  let k = 0;
  let b = 0;
  return report.projection.months.map((m, i) => {
    k += m;
    b += report.baseline.projection.months[i] ?? 0;
    return { month: `Month ${i + 1}`, keepsake: dollars(k), baseline: dollars(b) };
  });
}

/** Screen 5's content: the month's bill, where it goes, the year ahead and the baseline comparison. */
export function CostView({ report }: { report: CostReport }) {
  const byDestination = report.destinations.map((d) => ({
    name: d.name,
    storage: dollars(d.monthly.storage),
    overhead: dollars(d.monthly.objectOverhead),
    minimum: dollars(d.monthly.minimum),
  }));
  const weddings = [...report.weddings].sort((a, b) => b.monthly - a.monthly);
  const unpriced = report.destinations.filter((d) => !d.priced && d.provider !== 'local');
  return (
    <>
      {unpriced.length > 0 && (
        <p className="callout callout-warn" role="status" data-testid="cost-unpriced">
          <Icon name="alert" />
          <span>
            {unpriced.map((d) => d.name).join(', ')} {unpriced.length === 1 ? 'is an' : 'are'} S3-compatible{' '}
            {unpriced.length === 1 ? 'server' : 'servers'} without a list price, so{' '}
            {unpriced.length === 1 ? 'its' : 'their'} copies count as $0.00 here. Add the price per GB-month
            under <code>priceOverrides.custom</code> in config.json (docs/CONFIG.md) to see what they cost.
          </span>
        </p>
      )}
      <dl className="tiles">
        <div className="tile">
          <dt>This month</dt>
          <dd data-testid="cost-monthly">{formatMoney(report.monthlyTotal)}</dd>
        </div>
        <div className="tile">
          <dt>Next 12 months</dt>
          <dd>{formatMoney(report.projection.total)}</dd>
        </div>
        <div className="tile">
          <dt>All in S3 Standard</dt>
          <dd>{formatMoney(report.baseline.monthly)} / month</dd>
        </div>
        <div className={report.baseline.monthlySaving >= 0 ? 'tile tile-ok' : 'tile'}>
          <dt>{report.baseline.monthlySaving >= 0 ? 'You save' : 'You pay more than S3 Standard by'}</dt>
          <dd data-testid="cost-saving">{formatMoney(Math.abs(report.baseline.monthlySaving))} / month</dd>
        </div>
      </dl>
      <div className="grid grid-two">
        <section className="card" aria-labelledby="cost-dest-title">
          <h2 id="cost-dest-title">Per destination, per month</h2>
          {byDestination.length === 0 ? (
            <Empty icon="destinations" title="No destination yet" />
          ) : (
            <div className="chart" role="img" aria-label="Monthly cost per destination">
              <ResponsiveContainer width="100%" height={240}>
                <BarChart data={byDestination} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e3dfd8" vertical={false} />
                  <XAxis dataKey="name" tick={{ fill: '#4a5058', fontSize: 12 }} />
                  <YAxis tickFormatter={money} tick={{ fill: '#4a5058', fontSize: 12 }} width={70} />
                  <Tooltip formatter={money} />
                  <Legend />
                  <Bar dataKey="storage" name="Storage" stackId="c" fill="#2f5d50" />
                  <Bar dataKey="overhead" name="Per-object charges" stackId="c" fill="#7c9a8e" />
                  <Bar dataKey="minimum" name="Provider minimum" stackId="c" fill="#c2a878" />
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="cost-year-title">
          <h2 id="cost-year-title">The year ahead, compared</h2>
          <div
            className="chart"
            role="img"
            aria-label="Projected spending over 12 months against the baseline"
          >
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={cumulative(report)} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e3dfd8" vertical={false} />
                <XAxis dataKey="month" tick={{ fill: '#4a5058', fontSize: 12 }} interval={2} />
                <YAxis tickFormatter={money} tick={{ fill: '#4a5058', fontSize: 12 }} width={70} />
                <Tooltip formatter={money} />
                <Legend />
                <Line dataKey="keepsake" name="Your setup" stroke="#2f5d50" strokeWidth={2} dot={false} />
                <Line
                  dataKey="baseline"
                  name="All in S3 Standard"
                  stroke="#a0522d"
                  strokeWidth={2}
                  strokeDasharray="6 4"
                  dot={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </div>
          <p className="muted">{report.baseline.description}</p>
        </section>
      </div>
      <section className="card" aria-labelledby="cost-wed-title">
        <h2 id="cost-wed-title">Per wedding</h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Wedding</th>
                <th scope="col" className="num">
                  Stored copies
                </th>
                <th scope="col" className="num">
                  Size of copies
                </th>
                <th scope="col" className="num">
                  Per month
                </th>
              </tr>
            </thead>
            <tbody>
              {weddings.map((w) => (
                <tr key={w.wedding?.id ?? 'none'}>
                  <th scope="row">
                    {w.wedding ? `${w.wedding.couple} · ${formatDay(w.wedding.date)}` : 'Files in no wedding'}
                  </th>
                  <td className="num">{w.objects}</td>
                  <td className="num">{formatBytes(w.bytes)}</td>
                  <td className="num">{formatMoney(w.monthly)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">{report.attribution}</p>
      </section>
      <section className="card" aria-labelledby="cost-prices-title">
        <h2 id="cost-prices-title">Where the prices come from</h2>
        <ul className="plain">
          {report.prices.map((p) => (
            <li key={p.provider}>
              <strong>{p.label}</strong>: {p.region} list prices of {p.asOf}
              {p.overridden ? ' (with your overrides)' : ''}. <span className="muted">{p.source}</span>
            </li>
          ))}
        </ul>
        {report.notes.map((n) => (
          <p key={n} className="muted">
            {n}
          </p>
        ))}
        <p className="muted">Computed {formatTime(report.generatedAt)}. Amounts in US dollars, before tax.</p>
      </section>
    </>
  );
}

/** Screen 5: what the backups cost. */
export function CostScreen() {
  const cost = useResource(() => api.get('GET /api/cost'), 'cost');
  const plan = useResource(() => api.get('GET /api/optimize'), 'optimize');
  return (
    <div className="screen">
      <h1>Cost</h1>
      {cost.state === 'error' && notServed(cost.error) ? (
        <NotAvailable what="The cost dashboard">
          <p>
            It will show this month’s bill per destination and per wedding, the next 12 months, and what the
            same copies would cost all in Amazon S3 Standard. Until then, <code>keepsake cost</code> in a
            terminal prints the same report.
          </p>
        </NotAvailable>
      ) : cost.state === 'error' ? (
        <ErrorState error={cost.error} retry={cost.reload} what="The cost report" />
      ) : !cost.data ? (
        <Loading label="Computing costs" rows={4} />
      ) : (
        <CostView report={cost.data} />
      )}
      <section className="card" aria-labelledby="cost-plan-title">
        <h2 id="cost-plan-title">Store it for less</h2>
        {plan.state === 'error' && notServed(plan.error) ? null : plan.state === 'error' ? (
          <ErrorState error={plan.error} retry={plan.reload} what="The optimizer’s plan" />
        ) : !plan.data ? (
          <Loading label="Planning colder classes" rows={2} />
        ) : (
          <OptimizePlan
            plan={plan.data}
            onApply={async () => {
              const done = await api.post('POST /api/optimize/apply', {});
              cost.reload();
              return done;
            }}
          />
        )}
      </section>
    </div>
  );
}
