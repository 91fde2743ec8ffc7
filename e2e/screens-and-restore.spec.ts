import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiGet, keepsake, startAgent, tempDir, until, type Agent } from './support/agent.js';
import { writePhotos } from './support/photos.js';
import { shot, watchConsole } from './support/shots.js';

interface Status {
  weddings: {
    wedding: { id: number; couple: string } | null;
    files: number;
    protected: number;
    pending: number;
  }[];
}

// One agent for every screen: two weddings backed up to two destinations (one file changed between two
// backups, so it has two versions), then a third wedding arriving while uploads are paused.
test.describe.configure({ mode: 'serial' });

// Made in beforeAll: Playwright also loads this file in its main process, only to list the tests.
let tmp: ReturnType<typeof tempDir>;
let home: string;
let weddings: string;
let smith: string;
let agent: Agent;
let context: BrowserContext;
let page: Page;
let problems: string[];
let firstVersion: Buffer;

async function weddingId(couple: string): Promise<number> {
  const s = await apiGet<Status>(agent, '/api/status');
  const w = s.weddings.find((x) => x.wedding?.couple === couple);
  if (!w?.wedding) throw new Error(`no wedding ${couple}`);
  return w.wedding.id;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  tmp = tempDir('screens');
  home = join(tmp.path, 'home');
  weddings = join(tmp.path, 'Weddings');
  smith = join(weddings, '2026-06-14 Smith & Jones');
  mkdirSync(weddings, { recursive: true });
  await keepsake(home, ['init']);
  await keepsake(home, ['device', '--name', 'Lead laptop']);
  await keepsake(home, ['folders', 'add', weddings]);
  await keepsake(home, ['destinations', 'add', 'local', 'Vault', join(home, 'Vault')]);
  // The Drive stands for an external drive (a folder on this machine's one disk, hence --off-laptop).
  await keepsake(home, ['destinations', 'add', 'local', 'Drive', join(tmp.path, 'Drive'), '--off-laptop']);
  await writePhotos(browser, join(smith, 'Ceremony'), 5, { seed: 1 });
  await writePhotos(browser, join(smith, 'Portraits'), 3, { seed: 2 });
  await writePhotos(browser, join(weddings, '2026-05-02 Garcia & Lee'), 4, { seed: 3, day: '2026-05-02' });
  await keepsake(home, ['backup', '--once']);
  // A retouched export replaces IMG_0002: the next backup makes a second snapshot with a second version.
  firstVersion = readFileSync(join(smith, 'Ceremony', 'IMG_0002.JPG'));
  const retouched = join(tmp.path, 'retouched');
  await writePhotos(browser, retouched, 2, { seed: 9 });
  cpSync(join(retouched, 'IMG_0002.JPG'), join(smith, 'Ceremony', 'IMG_0002.JPG'));
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
  tmp?.cleanup();
});

test('overview: weddings at risk first, the queue, the destinations', async ({ browser }) => {
  await page.getByRole('button', { name: 'Pause uploads' }).click();
  await writePhotos(browser, join(tmp.path, 'patel'), 7, { seed: 5, day: '2026-06-20' });
  cpSync(join(tmp.path, 'patel'), join(weddings, '2026-06-20 Patel & Kim'), { recursive: true });
  await until('the new wedding to be indexed', async () =>
    (await apiGet<Status>(agent, '/api/status')).weddings.some(
      (w) => w.wedding?.couple === 'Patel & Kim' && w.files === 7,
    )
      ? true
      : undefined,
  );
  await page.getByRole('button', { name: 'Protect now' }).click();
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.locator('.risk-list')).toContainText('Patel & Kim');
  await expect(page.locator('.risk-list')).toContainText('7 files waiting');
  await expect(page.getByTestId('protected-share')).toHaveText(/^\d+%$/);
  await expect(page.locator('.dest-list')).toContainText('Vault');
  await expect(page.locator('.dest-list')).toContainText('Healthy');
  await shot(page, 'overview');

  await page.getByRole('button', { name: 'Resume uploads' }).click();
  await expect(page.getByText('Every wedding has all its copies.')).toBeVisible();
  await expect(page.locator('.topbar-summary')).toContainText('All 19 files protected');
});

test('weddings: a badge per destination and the 3-2-1 state in words', async () => {
  await page.getByRole('link', { name: 'Weddings' }).click();
  const rows = page.getByTestId('wedding-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText('Patel & Kim');
  const smithRow = rows.filter({ hasText: 'Smith & Jones' });
  await expect(smithRow).toContainText('8');
  await expect(smithRow.getByText('Protected')).toHaveCount(2);
  await expect(smithRow.getByTestId('rule321')).toHaveText('3 copies, 1 kind of media, none off-site');
  await shot(page, 'weddings');
});

test('wedding detail: folders, previews from the photos, copies and snapshots', async () => {
  await page.getByRole('link', { name: 'Smith & Jones' }).click();
  await expect(page.getByRole('heading', { name: 'Smith & Jones', level: 1 })).toBeVisible();
  await expect(page.locator('.folder summary')).toHaveText([/Ceremony/, /Portraits/]);
  await expect(page.getByTestId('file-row')).toHaveCount(8);
  // Every photo shows the preview its EXIF block carries, read from the file by the engine as it
  // scrolls into view (the file list starts below the fold, under the protection policy).
  await page.getByTestId('file-row').first().scrollIntoViewIfNeeded();
  await expect(page.getByTestId('thumbnail').first()).toBeVisible();
  await page.getByTestId('file-row').last().scrollIntoViewIfNeeded();
  await expect(page.getByTestId('thumbnail')).toHaveCount(8);
  await page.evaluate(() => window.scrollTo(0, 0));
  const src = await page.getByTestId('thumbnail').first().getAttribute('src');
  expect(src).toMatch(/^data:image\/jpeg;base64,\/9j\//);
  await expect(page.locator('.copies').first()).toContainText('Vault');
  await expect(page.locator('.timeline li')).toHaveCount(2);
  // Each snapshot names the laptop that made it (a studio's laptops share destinations).
  await expect(page.locator('.timeline li').first()).toContainText('made on Lead laptop');
  // What was shot, from the EXIF read at intake (issue 14's analyzer).
  await expect(page.getByTestId('analysis')).toContainText('8 JPEG');
  await shot(page, 'wedding');
  await page.getByRole('button', { name: 'Verify now' }).click();
  await expect(page.locator('.verify [role=status]')).toContainText('all intact');

  // The wedding's protection policy, from the engine, and a change saved through the API.
  const policy = page.getByTestId('policy-summary');
  await expect(policy).toContainText('Wedding-day critical');
  await expect(policy).toContainText('files were ingested today');
  await expect(policy).toContainText('Below targetNone');
  await page.getByRole('checkbox', { name: /Delivered/ }).check();
  await page.getByRole('button', { name: 'Save protection' }).click();
  await expect(
    page.getByRole('form', { name: 'Change this wedding’s protection' }).getByRole('status'),
  ).toContainText('Saved: Wedding-day critical. 8 files will be placed again under it.');
  const saved = await apiGet<{ settings: { delivered: boolean } }>(
    agent,
    `/api/weddings/${await weddingId('Smith & Jones')}/policy`,
  );
  expect(saved.settings.delivered).toBe(true);
});

test('restore: three files chosen in a snapshot come back byte-identical and verified', async () => {
  const id = await weddingId('Smith & Jones');
  await page.goto(`${agent.url}#/restore/${id}`);
  await expect(page.getByRole('heading', { name: 'What to restore' })).toBeVisible();
  const picks = ['Ceremony/IMG_0001.JPG', 'Ceremony/IMG_0004.JPG', 'Portraits/IMG_0003.JPG'];
  await page
    .getByRole('checkbox', { name: /IMG_0001\.JPG/ })
    .first()
    .check();
  await page.getByRole('checkbox', { name: /IMG_0004\.JPG/ }).check();
  await page
    .getByRole('checkbox', { name: /IMG_0003\.JPG/ })
    .nth(1)
    .check();
  await expect(page.getByTestId('selection-count')).toContainText('3 files');
  const target = join(tmp.path, 'Restored');
  await page.getByLabel('Restore into this folder').fill(target);
  await shot(page, 'restore');
  await page.getByRole('button', { name: 'Restore 3 files' }).click();
  await expect(page.getByTestId('restore-verified')).toContainText('3 files');
  await expect(page.getByTestId('restore-verified')).toContainText('Every file was verified');
  await shot(page, 'restore-done');
  for (const p of picks)
    expect(readFileSync(join(target, p)).equals(readFileSync(join(smith, p)))).toBe(true);
  const restored = readdirSync(target, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  expect(restored).toHaveLength(3);
});

test('restore: pick a file, then its earlier version', async () => {
  const id = await weddingId('Smith & Jones');
  await page.goto(`${agent.url}#/restore/${id}`);
  await page.reload();
  await page.getByRole('tab', { name: 'Find a file’s versions' }).click();
  await page.getByPlaceholder('Type part of a file name').fill('IMG_0002');
  await page.getByRole('button', { name: 'Ceremony/IMG_0002.JPG' }).click();
  const versions = page.locator('.versions > li');
  await expect(versions).toHaveCount(2);
  await versions.nth(1).getByRole('button', { name: 'Restore this version' }).click();
  const target = join(tmp.path, 'Earlier');
  await page.getByLabel('Restore into this folder').fill(target);
  await shot(page, 'restore-versions');
  await page.getByRole('button', { name: 'Restore 1 file' }).click();
  await expect(page.getByTestId('restore-verified')).toBeVisible();
  expect(readFileSync(join(target, 'Ceremony', 'IMG_0002.JPG')).equals(firstVersion)).toBe(true);
});

test('destinations, folders, cost, activity and settings show real data or a designed state', async () => {
  await page.getByRole('link', { name: 'Destinations & folders' }).click();
  const vault = page.getByTestId('destination-card').filter({ hasText: 'Vault' });
  await vault.getByRole('button', { name: 'Test connection' }).click();
  await expect(vault.getByTestId('connection-test')).toContainText('Connection works');
  await expect(page.locator('.folder-list')).toContainText(weddings);
  await shot(page, 'destinations');

  await page.getByRole('link', { name: 'Cost' }).click();
  await expect(page.getByRole('heading', { name: 'Cost' })).toBeVisible();
  await expect(page.getByTestId('not-available').or(page.getByTestId('cost-monthly'))).toBeVisible();
  await shot(page, 'cost');

  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity' })).toBeVisible();
  await expect(page.getByTestId('not-available').or(page.locator('table'))).toBeVisible();
  await shot(page, 'activity');

  // The studio view, from the destinations themselves: this laptop, under the name it was given.
  await page.getByRole('link', { name: 'Studio' }).click();
  await expect(page.getByTestId('studio-device').first()).toContainText('Lead laptop');
  await expect(page.getByTestId('studio-wedding').filter({ hasText: 'Smith & Jones' })).toContainText(
    'Lead laptop',
  );
  await shot(page, 'studio');

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('Copies each file needs')).toHaveValue('all');
  await shot(page, 'settings');
  expect(problems).toEqual([]);
});

test('overview: a long video shows its upload speed and what is left while it is read', async () => {
  test.setTimeout(120_000);
  // Uploads limited from Settings to 16 Mbit/s for both destinations together, so a 24 MB clip takes
  // several seconds: long enough to watch the queue card follow the one file being read.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Upload limit (Mbit/s)').fill('16');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Now 2.00 MB/s for all destinations together.')).toBeVisible();

  const size = 24_000_000;
  mkdirSync(join(smith, 'Video'), { recursive: true });
  writeFileSync(join(smith, 'Video', 'CLIP0001.MOV'), randomBytes(size));
  await page.getByRole('link', { name: 'Overview' }).click();
  const queue = page.locator('.queue');
  const left = queue.locator('dt', { hasText: 'Still to send' }).locator('xpath=following-sibling::dd');
  // The speed and the time left come from the live progress of the file in flight.
  await expect(queue.locator('.queue-speed')).toHaveText(/^[\d.]+ [kKM]B\/s · .+ left$/, { timeout: 30_000 });
  const first = await left.innerText();
  await expect(
    queue.locator('dt', { hasText: 'Working now' }).locator('xpath=following-sibling::dd'),
  ).toHaveText('1 job');
  // What is left goes down while that one file is still being sent, not only once it is done.
  await expect.poll(async () => left.innerText(), { timeout: 15_000 }).not.toBe(first);
  expect(await queue.locator('.queue-speed').innerText()).toMatch(/left$/);
  await shot(page, 'overview-uploading');
  // Done: the clip is protected, and nothing is left to send (the wedding's snapshot follows later).
  await until('the clip to be protected', async () => {
    const w = (await apiGet<Status>(agent, '/api/status')).weddings.find(
      (x) => x.wedding?.couple === 'Smith & Jones',
    );
    return w && w.files === 9 && w.protected === 9 ? true : undefined;
  });
  await expect(left).toHaveText('0 B');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Upload limit (Mbit/s)').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Now unlimited.')).toBeVisible();
  expect(problems).toEqual([]);
});
