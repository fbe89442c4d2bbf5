/* eslint-disable */
// Before/after in one run: every step built from another commit's sources and from the
// checkout's own (src), timed in alternating batches (order swapped each round) against the
// handler alone; with `app`, the whole embedded application's cached read from both trees.
// The figures in the commit messages of issue 12's step cuts come from this. Setup:
//   rm -rf zcmp && mkdir -p zcmp/before && git archive <ref> src | tar -x -C zcmp/before
//   echo '{"extends":"../tsconfig.json","compilerOptions":{"rootDir":".."},"include":["./**/*","../src","../bench"]}' > zcmp/tsconfig.json
//   [CMP_STACK=5] [CMP_ROUTERS=1] TSX_TSCONFIG_PATH=zcmp/tsconfig.json npx tsx bench/edge-steps-compare.ts [iterations] [batches] [steps,comma-separated|all] [app]
// (tsx applies the decorators setting only to files its tsconfig includes, hence zcmp/tsconfig.json.)
// CMP_STACK=k runs k copies of a step in a row and divides: a sub-microsecond step stands out of the noise.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import Koa, { type Middleware } from 'koa';
import Router from '@koa/router';
import compose from 'koa-compose';
import * as E from 'fp-ts/Either';
import { join } from 'node:path';
import { ADMIN, envelope, JWT_SECRET, ROOT, SAMPLE_USER, signInAdmin } from './fixtures';

const ITER = Number(process.argv[2] ?? 2000);
const BATCHES = Number(process.argv[3] ?? 15);
const ONLY = (process.argv[4] ?? 'all').split(',');
const APP = process.argv[5] === 'app';

const load = (root: string) => {
  const r = (p: string) => require(`${root}/${p}`);
  const { WinstonLogger } = r('infrastructure/logger');
  const { PrometheusMetrics } = r('adapters/metrics/prometheus-metrics');
  const { MemoryRateLimiter } = r('adapters/rate-limit/memory-rate-limiter');
  const { RouteTable } = r('adapters/http/routing');
  const logger = new WinstonLogger({ level: 'warn', format: 'json', service: 'bench' });
  const infoLogger = new WinstonLogger({ level: 'info', format: 'json', service: 'bench', stream: new Writable({ write: (_c, _e, d) => d() }) });
  const limiter = () => new MemoryRateLimiter(1_000_000_000, 900, 'bench');
  const table = new RouteTable([
    ...['/health/live', '/health/ready', '/metrics'].map((path) => { const x = new Router(); x.get(path, () => undefined); return x; }),
    ...['auth', 'roles', 'api-keys', 'audit', 'jobs'].map((area) => {
      const x = new Router({ prefix: `/api/${area}` });
      for (const path of ['/list', '/:id', '/:id/a', '/:id/b']) x.get(path, () => undefined).post(path, () => undefined).patch(path, () => undefined).delete(path, () => undefined);
      return x;
    }),
    (() => { const x = new Router({ prefix: '/api/users' }); x.get('/', () => undefined).post('/', () => undefined).get('/me', () => undefined).patch('/me', () => undefined); x.get('/:id', () => undefined).patch('/:id', () => undefined).delete('/:id', () => undefined); return x; })(),
  ]);
  const NOW = new Date('2026-11-30T04:47:12.554Z');
  const USER = { ...SAMPLE_USER, emailVerified: true, emailVerifiedAt: NOW, createdAt: NOW, updatedAt: NOW, version: 1 };
  const ACTOR = { userId: USER.id, permissions: [], via: 'bearer', user: USER };
  const auth = { bearer: () => Promise.resolve(ACTOR), apiKey: () => Promise.resolve(null) };
  const steps: Record<string, Middleware> = {
    'request-context': r('adapters/http/middleware/request-context').requestContext(),
    'access-log': r('adapters/http/middleware/access-log').accessLog(logger, new PrometheusMetrics('bench')),
    'access-log-info': r('adapters/http/middleware/access-log').accessLog(infoLogger, new PrometheusMetrics('bench')),
    'error-handler': r('adapters/http/middleware/errors').errorHandler(logger),
    'canonical-path': r('adapters/http/middleware/canonical-path').canonicalPath(),
    unrouted: r('adapters/http/middleware/unrouted').unrouted(table),
    'rate-limit': r('adapters/http/middleware/rate-limit').rateLimit({ api: limiter(), authClient: limiter() }, table),
    'json-body': r('adapters/http/middleware/json-body').jsonBody('100kb'),
    'operator-keys': r('adapters/http/middleware/operator-keys').refuseOperatorKeys(),
    authenticate: r('adapters/http/middleware/authenticate').authenticate(auth),
    'presenter+envelope': (ctx) => Promise.resolve(r('adapters/http/respond').respond(ctx, E.right(USER), 200, 'User found', r('adapters/http/users/users.presenter').presentUser)),
  };
  return { steps, r };
};

const koa = new Koa();
const handler = (ctx: Koa.Context): Promise<void> => { ctx.body = envelope({ ...SAMPLE_USER }); return Promise.resolve(); };
const mk = (app: Koa, url: string, headers: Record<string, string>) => (): Koa.Context => {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET'; req.url = url; req.headers = { host: '127.0.0.1', 'accept-encoding': 'gzip, deflate, br', accept: '*/*', ...headers };
  return app.createContext(req, new ServerResponse(req)) as Koa.Context;
};
const serialise = (ctx: Koa.Context) => { const b = ctx.body as unknown; return typeof b === 'string' ? b.length : JSON.stringify(b).length; };
const time = async (make: () => Koa.Context, run: (ctx: Koa.Context) => Promise<unknown>) => {
  const cs = Array.from({ length: ITER }, make);
  const t = performance.now();
  for (const c of cs) { await run(c); serialise(c); }
  return ((performance.now() - t) * 1000) / ITER;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Alternating batches: bare, before, after; the medians of the differences. */
const compare = async (name: string, make: () => Koa.Context, before: (c: Koa.Context) => Promise<unknown>, after: (c: Koa.Context) => Promise<unknown>, bare: (c: Koa.Context) => Promise<unknown>) => {
  for (let i = 0; i < 3; i++) { await time(make, bare); await time(make, before); await time(make, after); }
  const b: number[] = [], a: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const sides: [typeof before, number[]][] = i % 2 === 0 ? [[before, b], [after, a]] : [[after, a], [before, b]];
    for (const [fn, out] of sides) {
      const x = await time(make, bare);
      out.push((await time(make, fn)) - x);
    }
  }
  return { step: name, 'before us': median(b).toFixed(2), 'after us': median(a).toFixed(2), 'after/before': (median(a) / median(b)).toFixed(2) };
};

const main = async () => {
  const before = load(process.env['CMP_BEFORE'] ?? join(ROOT, 'zcmp/before/src'));
  const after = load(join(ROOT, 'src'));
  const rows = [];
  const make = mk(koa, '/api/users/6b0cffd059a9b604bb7adf04', { authorization: 'Bearer x' });
  for (const name of Object.keys(after.steps)) {
    if (!ONLY.includes('all') && !ONLY.includes(name)) continue;
    // CMP_STACK copies of the step in a row (each a fresh instance): the difference divided by it, so a 1 us step stands out of the noise.
    const K = name === 'presenter+envelope' ? 1 : Number(process.env['CMP_STACK'] ?? 1);
    const run = (side: typeof before) => {
      if (K === 1) { const s = side.steps[name]!; return (ctx: Koa.Context) => s(ctx, () => handler(ctx)) as Promise<void>; }
      const chain = compose([...Array.from({ length: K }, () => side.steps[name]!), (ctx: Koa.Context) => handler(ctx)]);
      return (ctx: Koa.Context) => chain(ctx);
    };
    const row = await compare(name, make, run(before), run(after), handler);
    if (K > 1) { row['before us'] = (Number(row['before us']) / K).toFixed(2); row['after us'] = (Number(row['after us']) / K).toFixed(2); row.step += ` (x${K})`; }
    rows.push(row);
    continue;
    
  }
  if (APP) {
    const env = { NODE_ENV: 'production', LOG_LEVEL: process.env['CMP_LOG_LEVEL'] ?? 'warn', JWT_SECRET, NEXUS_ADMIN_EMAIL: ADMIN.email, NEXUS_ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT_API_MAX: '10000000', RATE_LIMIT_AUTH_MAX: '10000000' };
    const apps = [];
    for (const side of [before, after]) {
      const nexus = await side.r('infrastructure/nexus').createNexus(side.r('infrastructure/config/load-config').loadConfig(env), { role: 'api', ...(process.env['CMP_LOG_LEVEL'] ? { logger: new (side.r('infrastructure/logger').WinstonLogger)({ level: 'info', format: 'json', service: 'nexus', stream: new Writable({ write: (_c, _e, d) => d() }) }) } : {}) });
      const app: Koa = nexus.http;
      const login = await signInAdmin(app);
      apps.push({ nexus, app, run: compose(app.middleware), token: login.token, id: login.id });
    }
    const [b, a] = apps as any[];
    const makeB = mk(b.app, `/api/users/${b.id}`, { authorization: `Bearer ${b.token}` });
    const makeA = mk(a.app, `/api/users/${a.id}`, { authorization: `Bearer ${a.token}` });
    const check = makeA(); await a.run(check); if (check.status !== 200) throw new Error(String(check.status));
    // Same context maker for the timing of both sides would mix apps: alternate explicitly.
    for (let i = 0; i < 3; i++) { await time(makeB, b.run); await time(makeA, a.run); }
    const bs: number[] = [], as: number[] = [];
    for (let i = 0; i < BATCHES; i++) {
      const sides: [() => Koa.Context, (c: Koa.Context) => Promise<unknown>, number[]][] = [[makeB, b.run, bs], [makeA, a.run, as]];
      if (i % 2 === 1) sides.reverse();
      for (const [mk1, fn, out] of sides) {
        const x = await time(mk1, handler);
        out.push((await time(mk1, fn)) - x);
      }
    }
    if (process.env['CMP_ROUTERS']) {
      // The module routers of the after app, mounted one after another (before) and through mountRouters (after), on an authenticated read.
      const routers = (a.app.middleware as any[]).find((m) => m.routers).routers;
      const actor = await a.nexus.container.get(after.r('application/auth/authenticate').Authenticate).bearer(a.token);
      const B = before.r('adapters/http/routing'), A = after.r('adapters/http/routing');
      const tableB = new B.RouteTable(routers), tableA = new A.RouteTable(routers);
      const mountedB = B.mountRouters ? B.mountRouters(routers) : compose(routers.map((r: any) => r.routes())), mountedA = A.mountRouters(routers);
      // Both sides: the rate limit's resolution first (the table's resolve), then the routers.
      const makeR = () => { const c = makeA(); c.state['actor'] = actor; return c; };
      const row = await compare(`resolve + routers (${routers.length}): GET /api/users/:id`, makeR,
        (c) => { tableB.resolve(c.method, c.path); return mountedB(c, () => Promise.resolve()); },
        (c) => { tableA.resolve(c.method, c.path); return mountedA(c, () => Promise.resolve()); }, handler);
      rows.push(row);
    }
    rows.push({ step: `app: cached GET /api/users/:id (log ${env.LOG_LEVEL})`, 'before us': median(bs).toFixed(2), 'after us': median(as).toFixed(2), 'after/before': (median(as) / median(bs)).toFixed(2) });
    for (const x of apps) await x.nexus.close();
  }
  console.table(rows);
};
void main();
