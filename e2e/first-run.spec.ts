import { expect, test } from '@playwright/test';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiGet, keepsake, startAgent, tempDir, until, type Agent } from './support/agent.js';
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

// First run, as a new user lives it: an empty Keepsake, the guide, a folder and two destinations added
// from the window to the running agent (no terminal, no restart), then a wedding folder copied in goes
// from pending to protected on both destinations, live.
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

    // Step 1: the folder. A mistyped one is refused with the engine's reason; the right one is watched.
    const folder = page.getByRole('form', { name: 'Add a folder' });
    await folder.getByLabel('Folder to watch').fill(join(tmp.path, 'Pictures', 'Wedings'));
    await folder.getByRole('button', { name: 'Watch this folder' }).click();
    await expect(folder.getByRole('alert')).toContainText('does not exist');
    await folder.getByLabel('Folder to watch').fill(weddings);
    await folder.getByRole('button', { name: 'Watch this folder' }).click();
    await expect(page.getByText(`Watching ${weddings}`)).toBeVisible();
    await expect(page.locator('.step-done')).toHaveCount(1);

    // Step 2: the local vault is suggested, inside Keepsake's home; its connection test passes.
    const dest = page.getByRole('form', { name: 'Add a destination' });
    await expect(dest.getByLabel('Name')).toHaveValue('Vault');
    await expect(dest.getByLabel('Folder', { exact: true })).toHaveValue(join(home, 'Vault'));
    await dest.getByRole('button', { name: 'Test connection' }).click();
    await expect(dest.getByTestId('connection-test')).toContainText('Connection works');
    await shot(page, 'first-run-destination');
    await dest.getByRole('button', { name: 'Add destination' }).click();
    await expect(page.locator('.step-done')).toHaveCount(2);
    await expect(page.getByText(join(home, 'Vault'), { exact: true })).toBeVisible();

    // A second place, the external drive; its test names the failing step when the folder is wrong,
    // and adding it there is refused with the reason.
    await page.getByText('Add a second place').click();
    const second = page.getByRole('form', { name: 'Add a destination' });
    await second.getByLabel('Name').fill('Drive');
    await second.getByLabel('Folder', { exact: true }).fill(join(tmp.path, 'NoSuchDrive', 'Keepsake'));
    await second.getByRole('button', { name: 'Test connection' }).click();
    await expect(second.getByTestId('connection-test')).toContainText('The test failed at “Reach it”');
    await expect(second.getByTestId('connection-test')).toContainText('not found');
    await second.getByRole('button', { name: 'Add destination' }).click();
    await expect(second.getByRole('alert')).toContainText('is the drive plugged in?');
    await second.getByLabel('Folder', { exact: true }).fill(join(drive, 'Keepsake'));
    // On this test machine the "drive" is a folder on the same disk: the user states it is a drive of its own.
    await second.getByLabel('It is an external drive or NAS').check();
    // The drive may be lost: it is encrypted, under a passphrase typed twice.
    await second.getByLabel('Encrypt what is stored there').check();
    await second.getByLabel('Passphrase', { exact: true }).fill('correct horse battery staple');
    await second.getByLabel('Repeat the passphrase').fill('correct horse battery stable');
    await second.getByRole('button', { name: 'Add destination' }).click();
    await expect(second.getByRole('alert')).toContainText('The two passphrases differ.');
    await second.getByLabel('Repeat the passphrase').fill('correct horse battery staple');
    await second.getByRole('button', { name: 'Add destination' }).click();
    await expect(page.getByText(join(drive, 'Keepsake'), { exact: true })).toBeVisible();
    // The new key's recovery key is shown once, until the user says it is kept.
    const recovery = page.getByTestId('recovery-key');
    await expect(recovery.getByLabel('Recovery key')).toContainText(/^AGE-SECRET-KEY-1\n(\w{6} ){4}\w{6}\n/);
    await recovery.scrollIntoViewIfNeeded();
    await shot(page, 'first-run-recovery-key');
    await expect(recovery.getByRole('button', { name: 'Done' })).toBeDisabled();
    await recovery.getByLabel('I have printed it or written it down').check();
    await recovery.getByRole('button', { name: 'Done' }).click();
    await expect(recovery).toHaveCount(0);
    expect(readFileSync(join(home, 'config.json'), 'utf8')).not.toContain('battery');
    await expect(page.getByText('Waiting for the first wedding…')).toBeVisible();
    // The same agent took every change, without a restart.
    expect(agent.output()).toContain('Settings changed from the window');

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
