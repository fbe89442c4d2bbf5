import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import request from 'supertest';
import { accessLog } from '../../../../src/adapters/http/middleware/access-log';
import { requestContext } from '../../../../src/adapters/http/middleware/request-context';
import { RouteTable } from '../../../../src/adapters/http/routing';
import { PrometheusMetrics } from '../../../../src/adapters/metrics/prometheus-metrics';
import { capturingLogger } from '../../../support/logger';

describe('Adapters :: http :: access log', () => {
  const app = () => {
    const logs = capturingLogger();
    const metrics = new PrometheusMetrics('test');
    const router = new Router({ prefix: '/api/users' });
    router.get('/:id', (ctx) => {
      ctx.state['userId'] = 'user-7';
      ctx.body = { id: ctx.params['id'] };
    });
    router.get('/:id/boom', (ctx) => {
      ctx.status = 503;
      ctx.body = { down: true };
    });
    const koa = new Koa();
    koa.use(requestContext());
    koa.use(accessLog(logs.logger, metrics, new RouteTable([router])));
    koa.use(async (ctx, next) => {
      await next();
      // As the app answers a path some route serves, with a method none serves.
      if (ctx.status === 404 && ctx.path.startsWith('/api/users/') && ctx.method === 'PUT') {
        ctx.status = 405;
        ctx.body = { allowed: 'GET' };
      }
    });
    // As authentication refuses a request before it reaches its route.
    koa.use(async (ctx, next) => {
      if (ctx.get('X-Refuse') === '') return next();
      ctx.status = 401;
      ctx.body = { refused: true };
    });
    koa.use(router.routes());
    return { http: request(koa.callback()), logs, metrics };
  };

  it('writes one line per request with the route template, the status, the duration, the address and the user', async () => {
    const { http, logs } = app();
    await http.get('/api/users/42').set('X-Request-ID', 'trace-1').expect(200);
    const [line, ...rest] = logs.lines();
    expect(rest).to.deep.equal([]);
    expect(line).to.include({ level: 'info', message: 'request', method: 'GET', route: '/api/users/:id', status: 200, requestId: 'trace-1', userId: 'user-7', service: 'test' });
    expect(line?.['durationMs']).to.be.a('number');
    expect(String(line?.['ip'])).to.match(/127\.0\.0\.1/);
  });

  it('writes a 5xx as an error line, and an unmatched path as `unmatched`', async () => {
    const { http, logs } = app();
    await http.get('/api/users/42/boom').expect(503);
    await http.get('/nowhere/sk_0123456789abcdefghijKLMN').expect(404);
    const [failed, missing] = logs.lines();
    expect(failed).to.include({ level: 'error', message: 'request failed', route: '/api/users/:id/boom', status: 503 });
    expect(missing).to.include({ level: 'info', message: 'request', route: 'unmatched', status: 404 });
    expect(missing).to.not.have.property('userId');
  });

  it('never logs a raw path: a credential in any spelling stays out of the line (405 names the template)', async () => {
    const { http, logs, metrics } = app();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0LXNpZ25hdHVyZS0xMjM0';
    await http.put('/api/users/sk_0123456789abcdefghijKLMN').expect(405);
    await http.put(`/api/users/Bearer%20${jwt}`).expect(405);
    await http.put('/api/users/sk%5F0123456789abcdefghijKLMN').expect(405);
    await http.get(`/api/users/${jwt}`).set('X-Refuse', '1').expect(401);
    await http.get(`/elsewhere/${jwt}`).set('X-Refuse', '1').expect(401);
    const routes = logs.lines().map((l) => [l['route'], l['status']]);
    expect(routes).to.deep.equal([
      ['/api/users/:id', 405],
      ['/api/users/:id', 405],
      ['/api/users/:id', 405],
      ['/api/users/:id', 401],
      ['unmatched', 401],
    ]);
    for (const text of [logs.raw(), await metrics.render()]) {
      expect(text).to.not.include('0123456789abcdefghij');
      expect(text).to.not.include('c2VjcmV0LXNpZ25hdHVyZS0xMjM0');
    }
  });

  it('labels the metrics with a template or `unmatched` only, so raw paths never make series', async () => {
    const { http, logs, metrics } = app();
    for (let i = 0; i < 20; i++) {
      await http.get(`/api/users/id-${i}`).set('X-Refuse', '1').expect(401);
      await http.put(`/api/users/id-${i}`).expect(405);
      await http.get(`/api/nothing-${i}`).expect(404);
    }
    // The log line still says which route was refused, by its template.
    expect(logs.lines()[0]).to.include({ route: '/api/users/:id', status: 401 });
    const series = (await metrics.render()).split('\n').filter((l) => l.startsWith('nexus_http_requests_total{'));
    expect(series).to.have.members([
      'nexus_http_requests_total{method="GET",route="/api/users/:id",status="401",service="test"} 20',
      'nexus_http_requests_total{method="PUT",route="unmatched",status="405",service="test"} 20',
      'nexus_http_requests_total{method="GET",route="unmatched",status="404",service="test"} 20',
    ]);
  });
});
