import { expect } from 'chai';
import type { OutboxStore } from '../../src/application/ports/outbox.port';
import { TYPES } from '../../src/application/symbols';
import { eventually, sleep } from '../support/eventually';
import { requireLocalBinary, requireService, startLocalRedis } from '../support/services';
import { startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

describe('e2e :: account e-mails survive a Redis outage (production profile)', function () {
  this.timeout(90_000);

  it('registers while Redis is down (201), and sends the welcome e-mail exactly once when it is back', async function () {
    await requireService(this, 'mongodb');
    requireLocalBinary(this, 'redis-server');
    const redis = await startLocalRedis({ appendOnly: true });
    let app: TestApp | undefined;
    let restarted: Awaited<ReturnType<typeof startLocalRedis>> | undefined;
    try {
      app = await startTestApp(this, 'production', { REDIS_URL: redis.url, CONNECT_TIMEOUT_MS: '1000', OUTBOX_RELAY_INTERVAL_MS: '200' });
      const admin = (await app.admin()).auth;
      const email = 'outage.signup@example.com';

      await redis.stop();
      const res = await app.http.post('/api/auth/register').send({ name: 'Outage Signup', email, password: USER_PASSWORD });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const retry = await app.http.post('/api/auth/register').send({ name: 'Outage Signup', email, password: USER_PASSWORD });
      expect(retry.status).to.equal(409);
      await sleep(500);
      expect(app.smtp.to(email)).to.have.length(0);

      restarted = await startLocalRedis({ appendOnly: true, port: redis.port, dir: redis.dir });
      await eventually(() => app!.smtp.to(email)[0], 30_000, 'the welcome e-mail after Redis came back');
      await sleep(1500);
      expect(app.smtp.to(email)).to.have.length(1);
      expect(app.smtp.to(email)[0]!.subject).to.equal('Welcome to Nexus');
      expect(await app.runtime.container.get<OutboxStore>(TYPES.OutboxStore).pending()).to.equal(0);
      const found = await app.http.get(`/api/users?search=${encodeURIComponent(email)}`).set('Authorization', admin).expect(200);
      expect(found.body.data.items).to.have.length(1);
    } finally {
      // Closing BullMQ waits for Redis: bring it back first if the test failed before it did.
      restarted ??= await startLocalRedis({ appendOnly: true, port: redis.port, dir: redis.dir }).catch(() => undefined);
      await app?.close().catch(() => undefined);
      await restarted?.stop();
      await redis.stop().catch(() => undefined);
    }
  });
});
