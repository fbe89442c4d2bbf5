import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import { healthRoutes } from '../../../../src/adapters/http/health/health.routes';
import { capturingLogger } from '../../../support/logger';

describe('Adapters :: http :: health', () => {
  const secret = 'connect ECONNREFUSED 10.1.2.3:27017 (user nexus-admin, replica set rs-internal)';

  const serve = (draining = false) => {
    const logs = capturingLogger();
    const router = healthRoutes({
      checks: [
        { name: 'database', check: () => Promise.reject(new Error(secret)) },
        { name: 'cache', check: () => Promise.resolve() },
        { name: 'queue', check: () => new Promise<void>(() => undefined) },
      ],
      timeoutMs: 50,
      startedAt: Date.now(),
      logger: logs.logger,
      draining: () => draining,
    });
    const app = new Koa();
    app.use(router.routes());
    return { http: supertest(app.callback()), logs };
  };

  it('says only down and the latency of a failing check, and logs the reason', async () => {
    const { http, logs } = serve();
    const res = await http.get('/health').expect(503);
    expect(res.body.data.checks.database).to.have.all.keys('status', 'latencyMs');
    expect(res.body.data.checks.database.status).to.equal('down');
    expect(res.body.data.checks.queue).to.have.all.keys('status', 'latencyMs');
    expect(res.body.data.checks.cache).to.deep.include({ status: 'up' });
    expect(res.text).to.not.include('ECONNREFUSED').and.not.include('10.1.2.3').and.not.include('no answer');
    const logged = logs.lines().find((l) => l['check'] === 'database');
    expect(logged?.['error']).to.equal(secret);
    expect(logs.lines().find((l) => l['check'] === 'queue')?.['error']).to.match(/no answer within 50 ms/);
  });

  it('answers 503 while the process drains, so a balancer stops routing to it', async () => {
    const { http } = serve(true);
    const res = await http.get('/health').expect(503);
    expect(res.body).to.include({ success: false, statusCode: 503 });
    expect(res.body.data.status).to.equal('draining');
    await http.get('/health/live').expect(200);
  });
});
