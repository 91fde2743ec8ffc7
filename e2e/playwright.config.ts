import { defineConfig } from '@playwright/test';

/** Debian's Chromium (Playwright's own browsers cannot be downloaded here); KEEPSAKE_CHROMIUM overrides it. */
export const chromiumPath = process.env.KEEPSAKE_CHROMIUM ?? '/usr/bin/chromium';

// End-to-end specs against the real headless agent (`keepsake run`) and its real local API.
// Run with `npx playwright test -c e2e/playwright.config.ts`.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  outputDir: '../test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 820 },
    deviceScaleFactor: 1,
    locale: 'en-GB',
    timezoneId: 'UTC',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
