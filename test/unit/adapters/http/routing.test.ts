import { expect } from 'chai';
import type Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import request from 'supertest';
import { createRouter, credentialCheck, mountRouter, mountRouters, RouteTable } from '../../../../src/adapters/http/routing';

/** Routers that overlap on purpose: a path served by two, a route that passes on, `use` middleware, a param route first. */
const routers = (): Router[] => {
  const a = createRouter();
  a.use(async (ctx, next) => {
    ctx.set('X-Seen', `${ctx.response.get('X-Seen')}a`);
    await next();
  });
  a.get('/shared', (ctx) => void (ctx.body = 'a:get'));
  a.get('/pass', async (ctx, next) => {
    ctx.set('X-Pass', 'a');
    await next();
  });
  const b = createRouter({ prefix: '/b' });
  b.use(async (ctx, next) => {
    ctx.set('X-Seen', `${ctx.response.get('X-Seen')}b`);
    await next();
  });
  b.get('/:id', (ctx) => void (ctx.body = `b:${ctx.params['id']}`));
  b.get('/fixed', (ctx) => void (ctx.body = 'b:fixed'));
  const c = createRouter();
  c.post('/shared', (ctx) => void (ctx.body = 'c:post'));
  c.get('/pass', (ctx) => void (ctx.body = 'c:after a'));
  c.post('/login', credentialCheck('password'), (ctx) => void (ctx.body = 'c:login'));
  return [a, b, c];
};

const appWith = (mount: (app: Koa, rs: Router[]) => void): Koa => {
  const app = new Koa();
  mount(app, routers());
  app.use((ctx) => void (ctx.body = `fell through: ${ctx.method} ${ctx.path}`));
  return app;
};

const each: (app: Koa, rs: Router[]) => void = (app, rs) => {
  for (const r of rs) app.use(r.routes());
};
const once: (app: Koa, rs: Router[]) => void = (app, rs) => void app.use(mountRouters(rs) as Middleware);

/** Each router behind `mountRouter`, which passes over the paths none of its routes can match. */
const eachSkipping: (app: Koa, rs: Router[]) => void = (app, rs) => {
  for (const r of rs) app.use(mountRouter(r));
};

const REQUESTS: [string, string][] = [
  ['GET', '/shared'],
  ['HEAD', '/shared'],
  ['POST', '/shared'],
  ['DELETE', '/shared'],
  ['GET', '/pass'],
  ['GET', '/b/fixed'],
  ['GET', '/b/42'],
  ['PUT', '/b/42'],
  ['POST', '/login'],
  ['GET', '/login'],
  ['GET', '/nowhere'],
  ['OPTIONS', '/shared'],
  ['GET', '/b'],
  ['GET', '/bb/1'],
  ['GET', '/b/1/2'],
  ['GET', '/SHARED'],
];

describe('Adapters :: http :: routing', () => {
  it('mountRouters answers every request as the routers mounted one after another do', async () => {
    const before = appWith(each).callback();
    const after = appWith(once).callback();
    for (const [method, path] of REQUESTS) {
      const call = (cb: typeof before) => request(cb)[method.toLowerCase() as 'get'](path);
      const [x, y] = await Promise.all([call(before), call(after)]);
      const seen = (r: request.Response) => ({ status: r.status, text: r.text, seen: r.headers['x-seen'], pass: r.headers['x-pass'] });
      expect(seen(y), `${method} ${path}`).to.deep.equal(seen(x));
    }
  });

  it('mountRouter answers every request as the router itself does, and keeps its router readable', async () => {
    const before = appWith(each).callback();
    const after = appWith(eachSkipping).callback();
    for (const [method, path] of REQUESTS) {
      const call = (cb: typeof before) => request(cb)[method.toLowerCase() as 'get'](path);
      const [x, y] = await Promise.all([call(before), call(after)]);
      const seen = (r: request.Response) => ({ status: r.status, text: r.text, seen: r.headers['x-seen'], pass: r.headers['x-pass'] });
      expect(seen(y), `${method} ${path}`).to.deep.equal(seen(x));
    }
    const [a] = routers();
    expect((mountRouter(a!) as { router?: Router }).router).to.equal(a);
  });

  it('mountRouter still serves a router that matches case-insensitively or whose route starts with a parameter', async () => {
    const Insensitive = createRouter().constructor as new (options: object) => Router;
    const insensitive = new Insensitive({});
    insensitive.get('/x', (ctx) => void (ctx.body = 'insensitive'));
    const params = createRouter();
    params.get('/:anything', (ctx) => void (ctx.body = `param:${ctx.params['anything']}`));
    const app = new Koa().use(mountRouter(insensitive) as Middleware).use(mountRouter(params) as Middleware).callback();
    expect((await request(app).get('/X')).text).to.equal('insensitive');
    expect((await request(app).get('/y')).text).to.equal('param:y');
  });

  it('resolves the first registered route serving the method, with its template and credential-check mark', () => {
    const table = new RouteTable(routers());
    expect(table.resolve('GET', '/b/fixed')).to.deep.equal({ template: '/b/:id', credentialCheck: false });
    expect(table.resolve('HEAD', '/shared')).to.deep.equal({ template: '/shared', credentialCheck: false });
    expect(table.resolve('POST', '/login')).to.deep.equal({ template: '/login', credentialCheck: true });
    expect(table.resolve('PUT', '/b/1')).to.equal(undefined);
    expect(table.routerOf('GET', '/pass')).to.equal(0);
    expect(table.routerOf('POST', '/shared')).to.equal(2);
    expect(table.allowed('/shared')).to.deep.equal(['GET', 'HEAD', 'POST']);
  });
});
