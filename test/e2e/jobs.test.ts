import { expect } from 'chai';
import { eventually, sleep } from '../support/eventually';
import type { JobQueue } from '../../src/application/ports/job-queue.port';
import { TYPES } from '../../src/application/symbols';
import { ADMIN_EMAIL, PROFILES, startTestApp, type TestApp } from '../support/test-app';

for (const profile of PROFILES) {
  describe(`e2e :: jobs (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;
    let admin: string;

    before(async function () {
      this.timeout(120_000);
      // Short retry schedules so a failing e-mail reaches the dead-letter queue within the test.
      app = await startTestApp(this, profile, { JOB_ATTEMPTS_EMAIL: '3', JOB_BACKOFF_EMAIL: '100,200', WORKER_CONCURRENCY: '2' });
      admin = (await app.admin()).auth;
    });
    after(async () => app?.close());

    const job = async (queue: string, id: string) => (await app.http.get(`/api/jobs/${queue}/${id}`).set('Authorization', admin).expect(200)).body.data;

    it('queues an e-mail with a priority and delivers it', async () => {
      const to = `prio.${profile}@example.com`;
      const res = await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to, subject: 'Hello <b>there</b>', body: 'Body text', priority: 'critical' }).expect(202);
      expect(res.body.data).to.include({ queue: 'email' });
      const mail = await eventually(() => app.smtp.to(to)[0], 10_000, 'mail');
      expect(mail.subject).to.equal('Hello there');
      const done = await eventually(async () => {
        const j = await job('email', res.body.data.jobId);
        return j.state === 'completed' ? j : undefined;
      }, 10_000, 'completed');
      expect(done).to.include({ name: 'send', attemptsMade: 1, progress: 100 });
    });

    it('holds an e-mail until sendAt, and refuses a past sendAt and a bad address', async () => {
      const to = `later.${profile}@example.com`;
      const sendAt = new Date(Date.now() + 1500).toISOString();
      const res = await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to, subject: 'Later', body: 'x', sendAt }).expect(202);
      expect((await job('email', res.body.data.jobId)).state).to.equal('scheduled');
      await sleep(800);
      expect(app.smtp.to(to)).to.have.length(0);
      await eventually(() => app.smtp.to(to)[0], 10_000, 'delayed mail');
      const past = await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to, subject: 'x', body: 'x', sendAt: '2020-01-01T00:00:00Z' }).expect(400);
      expect(past.body.errors).to.deep.equal([{ path: 'sendAt', message: 'must be in the future' }]);
      const bad = await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to: 'not-an-address', subject: 'x', body: 'x' }).expect(400);
      expect(bad.body.errors).to.deep.equal([{ path: 'to', message: 'must be a valid e-mail address' }]);
      await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to, subject: 'x', body: 'x', priority: 'urgent' }).expect(400);
    });

    it('reports the progress of a data-processing job until it completes', async () => {
      const items = [...Array.from({ length: 400 }, (_, i) => i), 'text', null, { a: 1 }];
      const res = await app.http.post('/api/jobs/data-processing').set('Authorization', admin).send({ items }).expect(202);
      const seen = new Set<number>();
      const done = await eventually(async () => {
        const j = await job('data-processing', res.body.data.jobId);
        seen.add(j.progress);
        return j.state === 'completed' ? j : undefined;
      }, 15_000, 'data job completed');
      expect(done.progress).to.equal(100);
      expect(done.result).to.deep.include({ processed: 403, numbers: 400, sum: 79_800, min: 0, max: 399 });
      expect(done.result.kinds).to.deep.equal({ number: 400, string: 1, null: 1, object: 1 });
      await app.http.post('/api/jobs/data-processing').set('Authorization', admin).send({ items: [] }).expect(400);
    });

    it('answers 404 for an unknown queue or job, and 403 without the jobs permissions', async () => {
      await app.http.get('/api/jobs/nope/1').set('Authorization', admin).expect(404);
      await app.http.get('/api/jobs/email/does-not-exist').set('Authorization', admin).expect(404);
      const u = await app.newUser('jobless');
      await app.http.post('/api/jobs/email').set('Authorization', u.auth).send({ to: 'a@example.com', subject: 's', body: 'b' }).expect(403);
      await app.http.get('/api/jobs/dead-letter').set('Authorization', u.auth).expect(403);
    });

    it('runs the weekly report: statistics by role, e-mailed to every admin', async () => {
      await app.newUser('reported', { age: 40 });
      const queue = app.runtime.container.get<JobQueue>(TYPES.JobQueue);
      const { id } = await queue.enqueue('reports', 'weekly-report', {});
      const report = await eventually(() => app.smtp.to(ADMIN_EMAIL).find((m) => m.subject === 'Nexus weekly report'), 15_000, 'report mail');
      expect(report.raw).to.include('admin: 1 user(s)').and.match(/user: \d+ user\(s\)/);
      const done = await eventually(async () => {
        const j = await queue.get('reports', id);
        return j?.state === 'completed' ? j : undefined;
      }, 10_000, 'report job');
      expect(done.result).to.deep.include({ recipients: 1 });
    });

    it('lists the weekly report schedule', async () => {
      const res = await app.http.get('/api/jobs/schedules').set('Authorization', admin).expect(200);
      const weekly = res.body.data.find((s: { id: string }) => s.id === 'weekly-report');
      expect(weekly).to.include({ queue: 'reports', pattern: '0 9 * * 1', timeZone: 'UTC' });
      expect(new Date(weekly.next).getUTCDay()).to.equal(1);
    });

    it('sends an e-mail the SMTP server refuses for good (550) to the dead-letter queue at once, with the reason', async () => {
      const to = `bounce.${profile}@example.com`;
      app.smtp.refuse(true, 550);
      try {
        const res = await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to, subject: 'Bounced', body: 'x' }).expect(202);
        const dead = await eventually(async () => {
          const j = await job('email', res.body.data.jobId);
          return j.state === 'dead' ? j : undefined;
        }, 10_000, 'dead');
        expect(dead.attemptsMade).to.equal(1);
        expect(dead.failedReason).to.match(/permanent/i).and.match(/550/);
        const entry = await eventually(async () => {
          const l = (await app.http.get('/api/jobs/dead-letter?limit=100').set('Authorization', admin).expect(200)).body.data;
          return l.items.find((i: { data: { originalJobId: string } }) => i.data.originalJobId === res.body.data.jobId);
        }, 10_000, 'dead letter listed');
        expect(entry.data.attemptsMade).to.equal(1);
        expect(entry.data.error).to.match(/550/);
      } finally {
        app.smtp.refuse(false);
      }
    });

    it('re-queues a dead letter once when ten retries race: one 202, the others 404 or 409, one e-mail', async () => {
      const to = `race.${profile}@example.com`;
      const queue = app.runtime.container.get<JobQueue>(TYPES.JobQueue);
      const letter = { originalQueue: 'email', originalJobId: `race-${profile}`, name: 'send', data: { to, subject: 'Raced', body: 'x' }, attemptsMade: 3, error: 'smtp said no', failedAt: new Date().toISOString() };
      const entry = `email-race-${profile}`;
      await queue.enqueue('dead-letter', 'send', letter, { jobId: entry });

      const answers = await Promise.all(Array.from({ length: 10 }, () => app.http.post(`/api/jobs/dead-letter/${entry}/retry`).set('Authorization', admin)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 202), statuses.join(',')).to.have.length(1);
      expect(statuses.every((s) => s === 202 || s === 404 || s === 409), statuses.join(',')).to.equal(true);
      const won = answers.find((a) => a.status === 202)!;
      expect(won.body.data.jobId).to.equal(`race-${profile}-retry`);
      for (const lost of answers.filter((a) => a.status !== 202)) expect(lost.body.message).to.match(/not found|already being retried/i);

      await eventually(() => app.smtp.to(to)[0], 10_000, 'the retried mail');
      await sleep(500);
      expect(app.smtp.to(to)).to.have.length(1);
      expect(app.smtp.to(to)[0]!.messageId).to.equal(`<job-email-race-${profile}-retry@nexus>`);
      expect(await queue.get('dead-letter', entry)).to.equal(null);
      await app.http.post(`/api/jobs/dead-letter/${entry}/retry`).set('Authorization', admin).expect(404);
    });

    it('moves an e-mail the SMTP server keeps refusing to the dead-letter queue; a retry after recovery delivers it once', async () => {
      const to = `dlq.${profile}@example.com`;
      app.smtp.refuse(true);
      try {
        const res = await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to, subject: 'Doomed', body: 'x' }).expect(202);
        const dead = await eventually(async () => {
          const j = await job('email', res.body.data.jobId);
          return j.state === 'dead' ? j : undefined;
        }, 15_000, 'dead');
        expect(dead.attemptsMade).to.equal(3);
        expect(dead.failedReason).to.match(/451|Try again later/);
        const list = await eventually(async () => {
          const l = (await app.http.get('/api/jobs/dead-letter?limit=50').set('Authorization', admin).expect(200)).body.data;
          return l.items.find((i: { data: { originalJobId: string } }) => i.data.originalJobId === res.body.data.jobId);
        }, 10_000, 'dead letter listed');
        expect(list.data).to.include({ originalQueue: 'email', name: 'send', attemptsMade: 3 });
        expect(list.data.data).to.deep.equal({ to, subject: 'Doomed', body: 'x' });
        app.smtp.refuse(false);

        const retried = await app.http.post(`/api/jobs/dead-letter/${list.id}/retry`).set('Authorization', admin).expect(202);
        expect(retried.body.data.queue).to.equal('email');
        await eventually(() => app.smtp.to(to)[0], 10_000, 'retried mail');
        await app.http.post(`/api/jobs/dead-letter/${list.id}/retry`).set('Authorization', admin).expect(404);
        await sleep(500);
        expect(app.smtp.to(to)).to.have.length(1);
        const after = (await app.http.get('/api/jobs/dead-letter?limit=50').set('Authorization', admin).expect(200)).body.data;
        expect(after.items.some((i: { id: string }) => i.id === list.id)).to.equal(false);
      } finally {
        app.smtp.refuse(false);
      }
    });
  });
}
