import { expect } from 'chai';
import { eventually } from '../support/eventually';
import { capturingLogger } from '../support/logger';
import { requireLocalBinary, requireService, startLocalMongo, startLocalRedis } from '../support/services';
import { PROFILES, startTestApp, type TestApp } from '../support/test-app';

describe('e2e :: faults against real servers (production profile)', function () {
  this.timeout(90_000);

  it('with Redis stopped: reads still succeed, rate limits hold in memory, readiness is 503 until Redis returns', async function () {
    await requireService(this, 'mongodb');
    requireLocalBinary(this, 'redis-server');
    const redis = await startLocalRedis();
    let restarted: Awaited<ReturnType<typeof startLocalRedis>> | undefined;
    let app: TestApp | undefined;
    try {
      app = await startTestApp(this, 'production', { REDIS_URL: redis.url, CONNECT_TIMEOUT_MS: '1000', TRUST_PROXY: 'true', RATE_LIMIT_API_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '60' });
      const admin = (await app.login('root@nexus.test', 'Root-Access-Granted-77')).auth;
      const user = await app.newUser('cached');
      const read = () => app!.http.get(`/api/users/${user.userId}`).set('Authorization', admin);
      await read().set('X-Forwarded-For', '192.0.2.1').expect(200);

      await redis.stop();
      const started = Date.now();
      const during = await read().set('X-Forwarded-For', '192.0.2.2').expect(200);
      expect(during.body.data.email).to.equal(user.email);
      expect(Date.now() - started).to.be.below(3000);

      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await read().set('X-Forwarded-For', '192.0.2.3')).status);
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429]);

      const health = await app.http.get('/health').expect(503);
      expect(health.body.data.checks.cache.status).to.equal('down');
      expect(health.body.data.checks.database.status).to.equal('up');
      await app.http.get('/health/live').expect(200);

      restarted = await startLocalRedis({ port: redis.port, dir: redis.dir });
      await eventually(async () => ((await app!.http.get('/health')).status === 200 ? true : undefined), 20_000, 'ready again');
      await read().set('X-Forwarded-For', '192.0.2.4').expect(200);
    } finally {
      await app?.close().catch(() => undefined);
      await restarted?.stop();
      await redis.stop().catch(() => undefined);
    }
  });

  it('with MongoDB stopped: readiness is 503, requests answer 503 quickly, the process keeps serving', async function () {
    await requireService(this, 'redis');
    requireLocalBinary(this, 'ferretdb');
    const mongo = await startLocalMongo();
    let app: TestApp | undefined;
    try {
      app = await startTestApp(this, 'production', { MONGO_URL: mongo.url, CONNECT_TIMEOUT_MS: '1000' });
      const admin = (await app.admin()).auth;
      const someone = await app.newUser('uncached');

      await mongo.stop();
      const health = await app.http.get('/health').expect(503);
      expect(health.body.data.checks.database.status).to.equal('down');
      const started = Date.now();
      const res = await app.http.get(`/api/users?search=${encodeURIComponent(someone.email)}`).set('Authorization', admin).expect(503);
      expect(Date.now() - started).to.be.below(5000);
      expect(res.body).to.include({ success: false, statusCode: 503 });
      expect(res.headers['retry-after']).to.equal('5');
      expect(JSON.stringify(res.body)).to.not.match(/Mongo|ECONNREFUSED|127\.0\.0\.1/);
      await app.http.get('/health/live').expect(200);
    } finally {
      await app?.close().catch(() => undefined);
      await mongo.stop().catch(() => undefined);
    }
  });
});

for (const profile of PROFILES) {
  describe(`e2e :: logs (${profile} profile)`, function () {
    this.timeout(60_000);

    it('follows one request id from the API into the job it queued, and never logs a secret', async function () {
      const { logger, lines, raw } = capturingLogger();
      const app = await startTestApp(this, profile, {}, logger);
      try {
        const email = `traced.${profile}@example.com`;
        const password = 'Tangerine-Lighthouse-58!';
        await app.http.post('/api/auth/register').set('X-Request-ID', 'trace-me-123').send({ name: 'Traced', email, password }).expect(201);
        await eventually(() => (app.smtp.to(email).length > 0 ? true : undefined), 10_000, 'welcome mail');
        const session = await app.login(email, password);
        const key = (await app.http.post('/api/api-keys').set('Authorization', session.auth).send({ name: 'k', permissions: [] }).expect(201)).body.data.key as string;
        await app.http.get('/api/api-keys').set('X-API-Key', key).expect(200);
        await app.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200);

        const traced = lines().filter((l) => l['requestId'] === 'trace-me-123');
        const messages = traced.map((l) => l['message']);
        expect(messages).to.include('request');
        expect(messages).to.include('email sent');
        const access = traced.find((l) => l['message'] === 'request')!;
        expect(access).to.include({ method: 'POST', route: '/api/auth/register', status: 201, ip: '127.0.0.1' });
        expect(access['durationMs']).to.be.a('number');
        const sent = traced.find((l) => l['message'] === 'email sent')!;
        expect(sent['jobId']).to.be.a('string');
        const authenticated = lines().find((l) => l['message'] === 'request' && l['route'] === '/api/api-keys');
        expect(authenticated?.['userId']).to.equal(session.userId);

        const text = raw();
        for (const secret of [password, session.accessToken, session.refreshToken, key, key.slice(3)]) expect(text).to.not.include(secret);
      } finally {
        await app.close();
      }
    });
  });
}
