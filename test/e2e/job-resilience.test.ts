import { expect } from 'chai';
import { TYPES } from '../../src/application/symbols';
import type { JobQueue } from '../../src/application/ports/job-queue.port';
import { loadConfig } from '../../src/infrastructure/config/load-config';
import { createNexus, type Nexus } from '../../src/infrastructure/nexus';
import { eventually, sleep } from '../support/eventually';
import { silentLogger } from '../support/logger';
import { runEntrypoint, type RunningProcess } from '../support/process';
import { freePort, requireLocalBinary, requireService, startLocalRedis, uniqueDbName } from '../support/services';
import { SmtpCapture } from '../support/smtp-capture';
import { startTestApp, type TestApp } from '../support/test-app';

describe('e2e :: job resilience (production profile)', function () {
  this.timeout(90_000);

  it('finishes a job whose worker was killed mid-way on another worker, once', async function () {
    const mongo = await requireService(this, 'mongodb');
    const redis = await requireService(this, 'redis');
    const smtp = await SmtpCapture.start();
    const env = {
      MONGO_URL: mongo,
      MONGO_DB: uniqueDbName('nexus_crash'),
      REDIS_URL: redis,
      REDIS_KEY_PREFIX: `crash-${process.pid}`,
      SMTP_URL: smtp.url,
      JOB_LOCK_DURATION_MS: '2000',
      WORKER_HEALTH_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      NODE_ENV: 'test',
    };
    const producer: Nexus = await createNexus(loadConfig(env), { logger: silentLogger(), role: 'api' });
    const workers: RunningProcess[] = [];
    try {
      smtp.holding = true;
      const queue = producer.container.get<JobQueue>(TYPES.JobQueue);
      const { id } = await queue.enqueue('email', 'send', { to: 'crash@example.com', subject: 'Survivor', body: 'x' });

      const first = runEntrypoint('src/infrastructure/worker.ts', env);
      workers.push(first);
      // The first worker has taken the job and is connecting to SMTP when it dies.
      await eventually(() => (smtp.started > 0 ? true : undefined), 30_000, 'first worker sending');
      first.child.kill('SIGKILL');
      expect(await first.exited).to.equal('SIGKILL');
      expect(smtp.messages).to.have.length(0);

      smtp.holding = false;
      const second = runEntrypoint('src/infrastructure/worker.ts', env);
      workers.push(second);
      const done = await eventually(async () => {
        const job = await queue.get('email', id);
        return job?.state === 'completed' ? job : undefined;
      }, 45_000, 'job completed by the second worker');
      expect(done.state).to.equal('completed');
      // The surviving worker answers its own health and metrics.
      const health = await fetch(`http://127.0.0.1:${env.WORKER_HEALTH_PORT}/health`);
      expect(health.status).to.equal(200);
      expect(((await health.json()) as { data: { checks: Record<string, unknown> } }).data.checks).to.have.keys('database', 'cache', 'queue');
      const metrics = await (await fetch(`http://127.0.0.1:${env.WORKER_HEALTH_PORT}/metrics`)).text();
      expect(metrics).to.match(/nexus_job_attempts_total\{[^}]*queue="email"[^}]*outcome="completed"[^}]*\} 1/);
      await sleep(1000);
      const delivered = smtp.to('crash@example.com');
      expect(delivered).to.have.length(1);
      expect(delivered[0]!.messageId).to.equal(`<job-email-${id}@nexus>`);
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await producer.close();
      await smtp.stop();
    }
  });

  it('keeps queued jobs across a Redis restart, and answers 503 promptly while Redis is down', async function () {
    await requireService(this, 'mongodb');
    requireLocalBinary(this, 'redis-server');
    const redis = await startLocalRedis({ appendOnly: true });
    let app: TestApp | undefined;
    let restarted: Awaited<ReturnType<typeof startLocalRedis>> | undefined;
    try {
      app = await startTestApp(this, 'production', { REDIS_URL: redis.url, CONNECT_TIMEOUT_MS: '1000' });
      const admin = (await app.admin()).auth;
      const to = 'survives@example.com';
      const sendAt = new Date(Date.now() + 2500).toISOString();
      await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to, subject: 'After the restart', body: 'x', sendAt }).expect(202);

      await redis.stop();
      const started = Date.now();
      const during = await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to: 'lost@example.com', subject: 'x', body: 'x' });
      expect(during.status).to.equal(503);
      expect(during.body.message).to.include('unavailable');
      expect(Date.now() - started).to.be.below(5000);
      const health = await app.http.get('/health');
      expect(health.status).to.equal(503);

      restarted = await startLocalRedis({ appendOnly: true, port: redis.port, dir: redis.dir });
      await eventually(() => app!.smtp.to(to)[0], 30_000, 'the job queued before the restart');
      await eventually(async () => ((await app!.http.get('/health')).status === 200 ? true : undefined), 15_000, 'ready again');
      expect(app.smtp.to('lost@example.com')).to.have.length(0);
    } finally {
      await app?.close().catch(() => undefined);
      await restarted?.stop();
      await redis.stop().catch(() => undefined);
    }
  });
});

