import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { requireChromium } from '../support/services';
import { startTestApp, type TestApp } from '../support/test-app';
import { launchChromium, screenshot, watch } from './browser';

/**
 * The API reference at /docs, as a person sees it: served by Nexus itself, rendered in a real
 * browser, listing the users endpoints, and asking nothing of any other origin (no CDN).
 */
describe('browser :: the API reference at /docs in headless Chromium', function () {
  this.timeout(90_000);
  let app: TestApp;
  let browser: Browser;

  before(async function () {
    this.timeout(90_000);
    const executablePath = requireChromium(this);
    app = await startTestApp(this, 'embedded');
    browser = await launchChromium(executablePath);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('renders /docs with the users endpoints, and the page asks no other origin for anything', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const seen = watch(page);
    try {
      const response = await page.goto(`${app.baseUrl}/docs`, { waitUntil: 'load' });
      expect(response?.status(), 'GET /docs').to.equal(200);
      await page.getByText('/api/users', { exact: false }).first().waitFor({ timeout: 30_000 });
      await page.waitForLoadState('networkidle');
      await screenshot(page, 'docs');
      expect(await page.locator('body').innerText()).to.include('/api/users');
      const elsewhere = seen.requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== app.baseUrl);
      expect(elsewhere, 'requests to another origin').to.deep.equal([]);
      expect(seen.problems.filter((p) => /Content Security Policy/i.test(p)), 'CSP violations').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
