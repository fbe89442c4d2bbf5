import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { type DataQueue, dataQueue } from '../support/dashboard';
import { eventually } from '../support/eventually';
import { requireChromium } from '../support/services';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app';
import { launchChromium, screenshot, watch } from './browser';

describe('browser :: the queue dashboard in headless Chromium (production profile)', function () {
  this.timeout(120_000);
  let app: TestApp;
  let browser: Browser;
  let jobs: DataQueue;

  before(async function () {
    this.timeout(120_000);
    const executablePath = requireChromium(this);
    // No job worker in this process: the failed job stays failed until someone retries it.
    app = await startTestApp(this, 'production', {}, undefined, { jobWorker: null });
    jobs = dataQueue(app);
    browser = await launchChromium(executablePath);
  });
  after(async () => {
    await browser?.close();
    await jobs?.close();
    await app?.close();
  });

  it('signs in through the form, shows the failed job, and retrying it on the page moves it', async () => {
    const jobId = await jobs.failedJob();
    const context = await browser.newContext();
    const page = await context.newPage();
    const seen = watch(page);
    try {
      await page.goto(`${app.baseUrl}/admin/queues`);
      expect(new URL(page.url()).pathname).to.equal('/admin/login');
      await screenshot(page, 'dashboard-1-sign-in');
      await page.fill('#email', ADMIN_EMAIL);
      await page.fill('#password', ADMIN_PASSWORD);
      await Promise.all([page.waitForURL(`${app.baseUrl}/admin/queues`), page.click('button[type=submit]')]);
      // The cookie is out of the page's reach, and no token is in any URL the browser visited.
      expect(await page.evaluate('document.cookie')).to.not.include('nexus_admin');

      await page.goto(`${app.baseUrl}/admin/queues/queue/data-processing?status=failed`);
      await page.getByText('the data was bad').first().waitFor({ timeout: 20_000 });
      await screenshot(page, 'dashboard-2-failed-job');

      // The job card's retry button: an icon whose tooltip says "Retry" (not the queue's "Retry all").
      const retry = page.locator('button:has(svg.lucide-refresh-cw)').filter({ hasNotText: /retry all/i }).first();
      await retry.hover();
      await page.getByText('Retry', { exact: true }).waitFor();
      await retry.click();
      await page.getByText('Are you sure that you want to retry this job?').waitFor();
      await screenshot(page, 'dashboard-3-confirm');
      await page.getByRole('button', { name: 'Confirm', exact: true }).click();
      await eventually(async () => (['waiting', 'prioritized'].includes(await jobs.queue.getJobState(jobId)) ? true : undefined), 10_000, 'the job moved out of failed');
      await screenshot(page, 'dashboard-4-retried');
      const root = await app.admin();
      const audit = await app.http.get('/api/audit?action=jobs.dashboard.retry').set('Authorization', root.auth).expect(200);
      expect((audit.body.data.items as { after: { jobId: string } }[]).map((e) => e.after.jobId)).to.include(jobId);

      for (const url of seen.requests) {
        expect(new URL(url).origin, `the page asked another origin: ${url}`).to.equal(app.baseUrl);
        expect(url).to.not.match(/token|nexus_admin/i);
      }
      expect(seen.problems.filter((p) => /Content Security Policy/i.test(p)), 'CSP violations').to.deep.equal([]);
      expect(seen.failed, 'requests the server refused').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
