import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './agent.js';

/** Where the screenshots the README shows are kept. */
export const screenshotDir = join(repoRoot, 'docs', 'screenshots');

/** Saves the visible window as docs/screenshots/NAME.png (viewport only, to keep the files small). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  // Let transitions and the live stream settle; no animation is captured mid-way.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** Collects Content-Security-Policy violations and page errors, to assert none happened. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}
