import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where the browser tests leave what they saw (git-ignored). */
export const SCREENSHOTS = join(__dirname, 'screenshots');

/**
 * Headless Chromium from Debian's package. Without the networking flags Chromium looks up its
 * own services at start-up, which on a closed network floods it with refused look-ups.
 */
export const launchChromium = (executablePath: string): Promise<Browser> =>
  chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });

export const screenshot = async (page: Page, name: string): Promise<string> => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
};

/** Everything a page asked for, and what the browser complained about (CSP violations among them). */
export const watch = (page: Page): { requests: string[]; problems: string[]; failed: string[] } => {
  const seen = { requests: [] as string[], problems: [] as string[], failed: [] as string[] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('response', (r) => {
    if (r.status() >= 400) seen.failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.problems.push(`pageerror: ${e.message}`));
  return seen;
};
