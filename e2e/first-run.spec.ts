import { expect, test } from '@playwright/test';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiGet, keepsake, runShown, startAgent, tempDir, until, type Agent } from './support/agent.js';
import { writePhotos } from './support/photos.js';
import { shot, watchConsole } from './support/shots.js';

interface Status {
  weddings: {
    wedding: { id: number; couple: string } | null;
    files: number;
    protected: number;
    copies: Record<string, number>;
  }[];
}

// First run, as a new user lives it: an empty Keepsake, the guide, a folder and two destinations, then
// a wedding folder copied in goes from pending to protected on both destinations, live.
test('first run: from an empty home to a wedding protected on two destinations', async ({
  page,
  browser,
}) => {
  const tmp = tempDir('first-run');
  const home = join(tmp.path, 'home');
  const weddings = join(tmp.path, 'Pictures', 'Weddings');
  const drive = join(tmp.path, 'ExternalDrive');
  mkdirSync(weddings, { recursive: true });
  mkdirSync(drive);
  const problems = watchConsole(page);
  let agent: Agent | undefined;
  try {
    await keepsake(home, ['init']);
    agent = await startAgent(home);
    await page.goto(agent.loginUrl);

    // Nothing set up: the window opens on the guide.
    await expect(page.getByRole('heading', { name: 'Welcome to Keepsake' })).toBeVisible();
    await expect(page).toHaveURL(/#\/welcome$/);
    await shot(page, 'first-run');

    // Step 1: the folder. This engine cannot add it live: the guide shows the command instead.
    await page.getByLabel('Folder to watch').fill(weddings);
    await page.getByRole('button', { name: 'Watch this folder' }).click();
    const folderCommand = await page.locator('.command code').first().innerText();
    expect(folderCommand).toBe(`keepsake folders add ${weddings}`);
    await runShown(home, folderCommand);

    // Step 2: the local vault is suggested, inside Keepsake's home; its connection test passes.
    const dest = page.getByRole('form', { name: 'Add a destination' });
    await expect(dest.getByLabel('Name')).toHaveValue('Vault');
    await expect(dest.getByLabel('Folder')).toHaveValue(join(home, 'Vault'));
    await dest.getByRole('button', { name: 'Test connection' }).click();
    await expect(dest.getByTestId('connection-test')).toContainText('Connection works');
    await shot(page, 'first-run-destination');
    await dest.getByRole('button', { name: 'Add destination' }).click();
    await runShown(home, await dest.locator('.command code').innerText());
    // A second place, the external drive; its test names the failing step when the folder is wrong.
    await dest.getByLabel('Name').fill('Drive');
    await dest.getByLabel('Folder').fill(join(tmp.path, 'NoSuchDrive', 'Keepsake'));
    await dest.getByRole('button', { name: 'Test connection' }).click();
    await expect(dest.getByTestId('connection-test')).toContainText('The test failed at “Reach it”');
    await expect(dest.getByTestId('connection-test')).toContainText('not found');
    await dest.getByLabel('Folder').fill(join(drive, 'Keepsake'));
    await dest.getByRole('button', { name: 'Add destination' }).click();
    await runShown(home, await dest.locator('.command code').innerText());

    // Keepsake restarted with the new settings (as the guide says), opened again from its new link.
    await agent.stop();
    agent = await startAgent(home);
    await page.goto(agent.loginUrl);
    await page.goto(`${agent.url}#/welcome`);
    await expect(page.getByText(`Watching ${weddings}`)).toBeVisible();
    await expect(page.locator('.step-done')).toHaveCount(2);
    await expect(page.getByText('Waiting for the first wedding…')).toBeVisible();

    // Uploads paused so the pending state can be seen; a wedding folder is copied in.
    await page.getByRole('button', { name: 'Pause uploads' }).click();
    await expect(page.getByText('Uploads paused')).toBeVisible();
    const staging = join(tmp.path, 'card');
    await writePhotos(browser, staging, 6);
    cpSync(staging, join(weddings, '2026-06-14 Smith & Jones'), { recursive: true });
    await until('the wedding to be indexed', async () => {
      const s = await apiGet<Status>(agent!, '/api/status');
      return s.weddings.some((w) => w.files === 6) ? true : undefined;
    });
    await page.getByRole('button', { name: 'Protect now' }).click();
    const card = page.getByTestId('welcome-wedding');
    await expect(card).toContainText('Smith & Jones');
    await expect(card).toContainText('6 files');
    await expect(card.getByText('Uploading 0%')).toHaveCount(2);
    await shot(page, 'first-run-pending');

    // Resumed: it turns protected on both destinations, live, without reloading the page.
    await page.getByRole('button', { name: 'Resume uploads' }).click();
    await expect(page.getByTestId('first-protected')).toContainText(
      'Smith & Jones is protected: 6 files on 2 destinations',
    );
    await expect(card.getByText('Protected')).toHaveCount(2);
    await shot(page, 'first-run-protected');
    const s = await apiGet<Status>(agent, '/api/status');
    expect(s.weddings[0]).toMatchObject({ files: 6, protected: 6, copies: { Vault: 6, Drive: 6 } });
    expect(problems).toEqual([]);
  } finally {
    await agent?.stop();
    tmp.cleanup();
  }
});
