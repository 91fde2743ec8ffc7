import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AZURITE_ACCOUNT,
  AZURITE_KEY,
  azureHarness,
  type AzuriteHarness,
} from '../main/engine/destinations/testing/azure-harness.js';
import { s3Harness, type S3rverHarness } from '../main/engine/destinations/testing/s3-harness.js';
import type { DestinationHealthReport } from '../shared/api/contract.js';
import type { CostReport } from '../shared/model/cost.js';
import type { StatusReport } from '../shared/model/status.js';
import { formatBytes } from '../renderer/src/lib/format.js';
import { apiGet, keepsake, startAgent, tempDir, until, type Agent } from './support/agent.js';
import { writePhotos } from './support/photos.js';
import { shot, watchConsole } from './support/shots.js';

// One agent under per-wedding policies with three destinations on three providers: a NAS folder (off
// the laptop, free), S3 on s3rver and Azure on azurite. Prices are overridden so S3 is cheaper than
// Azure (placement puts the copies on the NAS and S3) and the cost figures are cents, not zeros.
// S3 is then stopped: its copies move to Azure, and the UI shows it down, the failover and its
// recovery time, then S3 healthy again. The cost dashboard is then compared with `keepsake cost --json`.
// Last, S3 fails and comes back once more while a screen is open, which must follow it live.
test.describe.configure({ mode: 'serial' });

const PRICES = {
  custom: { label: 'Test S3 server', classes: { STANDARD: { storagePerGBMonth: 2000 } } },
  azure: { classes: { Hot: { storagePerGBMonth: 3000 } } },
};

// Made in beforeAll: Playwright also loads this file in its main process, only to list the tests.
let tmp: ReturnType<typeof tempDir>;
let home: string;
let weddings: string;
let s3: S3rverHarness;
let azure: AzuriteHarness;
let agent: Agent;
let context: BrowserContext;
let page: Page;
let problems: string[];

const status = () => apiGet<StatusReport>(agent, '/api/status');
const destinationCard = (name: string): Locator =>
  page
    .getByTestId('destination-card')
    .filter({ has: page.getByRole('heading', { name, exact: true, level: 3 }) });
/** Waits until the agent's health monitor reports `name` in `state`; returns its report. */
const monitorSays = (name: string, state: DestinationHealthReport['state']) =>
  until(`the monitor to report ${name} ${state}`, async () => {
    const h = (await apiGet<DestinationHealthReport[]>(agent, '/api/health')).find(
      (x) => x.destination === name,
    );
    return h?.state === state ? h : undefined;
  });
/** An amount of micro-dollars as the UI's formatMoney shows it (the browser runs in en-GB). */
const usd = (micros: number) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'USD' }).format(micros / 1_000_000);
/** The same amount as the cost chart shows it: rounded to cents first. */
const usdInChart = (micros: number) => usd(Math.round(micros / 10_000) * 10_000);

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  s3 = s3Harness();
  azure = azureHarness();
  await Promise.all([s3.setup!(), azure.setup!()]);
  tmp = tempDir('failover');
  home = join(tmp.path, 'home');
  weddings = join(tmp.path, 'Weddings');
  mkdirSync(weddings, { recursive: true });
  await keepsake(home, ['init']);
  await keepsake(home, ['folders', 'add', weddings]);
  await keepsake(home, ['destinations', 'add', 'local', 'NAS', join(tmp.path, 'NAS')]);
  await keepsake(
    home,
    [
      ...['destinations', 'add', 's3', 'S3', '--bucket', await s3.createBucket(), '--endpoint', s3.endpoint],
      ...['--access-key-id', 'S3RVER', '--secret-stdin', '--no-encrypt'],
    ],
    'S3RVER\n',
  );
  await keepsake(
    home,
    [
      ...['destinations', 'add', 'azure', 'Azure', '--container', await azure.newContainer()],
      ...['--endpoint', azure.endpoint, '--account-name', AZURITE_ACCOUNT],
      ...['--auth', 'account-key', '--secret-stdin', '--no-encrypt'],
    ],
    `${AZURITE_KEY}\n`,
  );
  await keepsake(home, ['policy', 'mode', 'policy']);
  // The NAS is not on the laptop (no CLI flag for it), and the prices above.
  const configFile = join(home, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
    destinations: { name: string; onLaptop?: boolean }[];
  };
  for (const d of config.destinations) if (d.name === 'NAS') d.onLaptop = false;
  writeFileSync(configFile, JSON.stringify({ ...config, priceOverrides: PRICES }, null, 2));

  await writePhotos(browser, join(weddings, '2026-06-14 Smith & Jones', 'Ceremony'), 6, { seed: 1 });
  await keepsake(home, ['backup', '--once']);

  agent = await startAgent(home);
  context = await browser.newContext();
  page = await context.newPage();
  problems = watchConsole(page);
  await page.goto(agent.loginUrl);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});

test.afterAll(async () => {
  await context?.close();
  await agent?.stop();
  await Promise.allSettled([s3?.teardown?.(), azure?.teardown?.()]);
  tmp?.cleanup();
});

test('a destination is stopped and the UI shows it down and the failover', async ({ browser }) => {
  // Generous: right after the vitest run the machine is loaded, and the failover of 12 files then
  // took over 60 s once (38 s on a quiet machine); the recovery time itself is checked below.
  test.setTimeout(150_000);
  // The wedding was placed on the NAS and the cheaper cloud, S3: what fails over is really there.
  const before = await status();
  expect(before.mode).toBe('policy');
  expect(before.weddings).toHaveLength(1);
  expect(before.weddings[0]!.copies).toEqual({ NAS: 6, S3: 6, Azure: 0 });
  expect(before.weddings[0]!.policy?.name).toBe('critical');
  await expect(page.getByTestId('last-failover')).toHaveCount(0);

  await s3.stop();
  // More photos arrive while S3 is down: a second wedding, and two more of the first.
  const staged = join(tmp.path, 'staged');
  await writePhotos(browser, join(staged, 'Patel'), 4, { seed: 5, day: '2026-06-20' });
  await writePhotos(browser, join(staged, 'Smith'), 8, { seed: 7 });
  cpSync(join(staged, 'Patel'), join(weddings, '2026-06-20 Patel & Kim'), { recursive: true });
  for (const n of ['IMG_0007.JPG', 'IMG_0008.JPG'])
    cpSync(join(staged, 'Smith', n), join(weddings, '2026-06-14 Smith & Jones', 'Ceremony', n));

  // Opened once the monitor has declared it down: a screen left open does not follow health changes
  // yet (see the last test).
  const down = await monitorSays('S3', 'down');
  expect(down.reason).toMatch(/connection refused|not answering|not reachable/);
  await page.getByRole('link', { name: 'Destinations & folders' }).click();
  const card = destinationCard('S3');
  await expect(card.locator('.card-head')).toContainText('Down');
  await expect(card).toContainText(down.reason);
  await expect(destinationCard('NAS').locator('.card-head')).toContainText('Healthy');
  await expect(destinationCard('Azure').locator('.card-head')).toContainText('Healthy');
  await shot(page, 'failover-down');

  // Every wedding is at its target again on the NAS and Azure; the incident is closed with its time.
  // All 12 files must have been seen first: the watcher takes each copied file only once it is stable,
  // so "everything seen so far is protected" can be true while two photos are still settling.
  const expected = new Map([
    ['Smith & Jones', 8],
    ['Patel & Kim', 4],
  ]);
  const settled = await until(
    'every wedding to meet its target on the NAS and Azure',
    async () => {
      const s = await status();
      const done =
        s.weddings.length === expected.size &&
        s.weddings.every((w) => expected.get(w.wedding?.couple ?? '') === w.files) &&
        s.allProtected &&
        s.failovers?.[0]?.recoveryMs !== null &&
        s.failovers?.[0]?.recoveryMs !== undefined &&
        s.weddings.every((w) => w.copies.NAS === w.files && w.copies.Azure === w.files);
      return done ? s : undefined;
    },
    100_000,
  );
  expect(settled.weddings.map((w) => [w.wedding?.couple, w.files, w.protected, w.belowTarget])).toEqual(
    expect.arrayContaining([
      ['Smith & Jones', 8, 8, 0],
      ['Patel & Kim', 4, 4, 0],
    ]),
  );
  const failover = settled.failovers![0]!;
  expect(failover.destination).toBe('S3');
  expect(failover.backAt).toBeNull();
  expect(failover.recoveryMs).toBeGreaterThan(0);

  await page.getByRole('link', { name: 'Overview' }).click();
  const card2 = page.getByTestId('last-failover');
  await expect(card2).toContainText(`S3 failed on`);
  await expect(card2).toContainText(failover.reason);
  await expect(card2).toContainText('Recovered');
  await expect(card2.getByTestId('recovery-time')).toHaveText(/^\d+(\.\d)? s$|^\d+ ms$|^\d+ min \d+ s$/);
  await expect(card2).toContainText('S3 is still down.');
  await expect(page.getByText('Every wedding has all its copies.')).toBeVisible();
  await expect(page.locator('.dest-list li').filter({ hasText: 'S3' })).toContainText('Down');
  await shot(page, 'failover-recovered');

  // S3 comes back: the monitor's probe finds it, and the Destinations screen shows it healthy with
  // the outage in its history.
  await s3.restart();
  await monitorSays('S3', 'healthy');
  expect((await status()).failovers?.[0]?.backAt).not.toBeNull();
  await page.getByRole('link', { name: 'Destinations & folders' }).click();
  await expect(card.locator('.card-head')).toContainText('Healthy');
  await expect(card.getByRole('list', { name: 'Health history of S3' })).toContainText('Down');
  await shot(page, 'failover-back');
  expect(problems).toEqual([]);
});

test('the cost dashboard shows the same figures as `keepsake cost --json`', async () => {
  // Quiet first: nothing queued or running, so every figure stays put while it is compared.
  await until(
    'the queue to be empty',
    async () => {
      const s = await status();
      return s.allProtected && s.queue.queued + s.queue.running + s.queue.retrying === 0 ? true : undefined;
    },
    30_000,
  );
  // `cost` reads the config and the database only; it does not need the home's lock the agent holds.
  const cli = JSON.parse(await keepsake(home, ['cost', '--json'])) as CostReport;
  const served = await apiGet<CostReport>(agent, '/api/cost');
  const figures = (r: CostReport) => ({
    monthlyTotal: r.monthlyTotal,
    weddings: r.weddings,
    destinations: r.destinations.map((d) => ({
      name: d.name,
      objects: d.objects,
      bytes: d.bytes,
      monthly: d.monthly,
    })),
    classes: r.classes,
  });
  expect(figures(served)).toEqual(figures(cli));
  // Real amounts, not zeros: both clouds hold copies at the overridden prices.
  const byName = new Map(cli.destinations.map((d) => [d.name, d]));
  expect(byName.get('NAS')!.monthly.total).toBe(0);
  expect(byName.get('S3')!.monthly.storage).toBeGreaterThan(10_000);
  expect(byName.get('Azure')!.monthly.storage).toBeGreaterThan(10_000);
  expect(cli.weddings.every((w) => w.monthly > 0)).toBe(true);

  await page.getByRole('link', { name: 'Cost' }).click();
  await expect(page.getByTestId('cost-monthly')).toHaveText(usd(cli.monthlyTotal));

  // Per wedding: the table's copies, size and monthly amount.
  for (const w of cli.weddings) {
    const row = page.getByRole('row', { name: new RegExp(`^${w.wedding!.couple}`) });
    await expect(row.getByRole('cell')).toHaveText([String(w.objects), formatBytes(w.bytes), usd(w.monthly)]);
  }
  await expect(page.locator('tbody tr')).toHaveCount(cli.weddings.length);

  // Per destination: the chart's tooltip over each destination's bar.
  const chart = page.getByRole('img', { name: 'Monthly cost per destination' });
  const area = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
  for (const d of cli.destinations) {
    const tick = chart.locator('.recharts-xAxis-tick-labels text').getByText(d.name, { exact: true });
    const box = (await tick.boundingBox({ timeout: 5_000 }))!;
    await page.mouse.move(box.x + box.width / 2, area.y + area.height / 2);
    const tooltip = chart.locator('.recharts-default-tooltip');
    await expect(tooltip.locator('.recharts-tooltip-label')).toHaveText(d.name);
    // Each part of the bar, by its name (recharts orders the items by name).
    const items = tooltip.locator('.recharts-tooltip-item');
    await expect
      .poll(async () =>
        Object.fromEntries(
          await Promise.all(
            (await items.all()).map(async (li) => [
              await li.locator('.recharts-tooltip-item-name').innerText(),
              await li.locator('.recharts-tooltip-item-value').innerText(),
            ]),
          ),
        ),
      )
      .toEqual({
        Storage: usdInChart(d.monthly.storage),
        'Per-object charges': usdInChart(d.monthly.objectOverhead),
        'Provider minimum': usdInChart(d.monthly.minimum),
      });
  }

  // Nothing changed while the screen was read: the figures compared are the ones there are now.
  const after = JSON.parse(await keepsake(home, ['cost', '--json'])) as CostReport;
  expect(figures(after)).toEqual(figures(cli));
  expect(problems).toEqual([]);
});

// Health changes reach an open screen only through the live stream. Each check is soft, so one run
// names every screen that keeps showing the old state.
test('a destination that goes down and comes back while the UI is open shows it live', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  await page.getByRole('link', { name: 'Destinations & folders' }).click();
  const head = destinationCard('S3').locator('.card-head');
  await expect(head).toContainText('Healthy');
  await s3.stop();
  // One more photo: its upload to S3 (the cheaper cloud again) fails and S3 is declared down.
  await writePhotos(browser, join(tmp.path, 'late'), 1, { seed: 11 });
  cpSync(join(tmp.path, 'late', 'IMG_0001.JPG'), join(weddings, '2026-06-20 Patel & Kim', 'IMG_0101.JPG'));
  await monitorSays('S3', 'down');
  await expect
    .soft(head, 'the open Destinations screen shows S3 down')
    .toContainText('Down', { timeout: 8_000 });
  await s3.restart();
  await monitorSays('S3', 'healthy');
  await expect
    .soft(head, 'the open Destinations screen shows S3 healthy again')
    .toContainText('Healthy', { timeout: 8_000 });
  // The Overview keeps the status it has (it is not loaded again on navigation).
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect
    .soft(page.getByTestId('last-failover'), 'the failover card says S3 is back')
    .toContainText('S3 is back since', { timeout: 8_000 });
});
