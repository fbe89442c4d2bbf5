// The CPU each edge step costs a request, in-process, without HTTP or autocannon: every step of
// src/adapters/http/middleware around a handler that answers the ceiling's user envelope, on a
// real Koa context, timed in alternating batches against the handler alone (median of the
// batch differences). On a loaded, shared machine this is steadier than any req/s figure.
//   node dist/bench/bench/edge-steps.js [iterations per batch, default 2000] [batches, default 15] [only: step names, comma-separated]
// Last, the whole application in process (embedded profile): a cached authenticated
// `GET /api/users/:id` through every middleware and the route, timed against the handler alone.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa, { type Middleware } from 'koa';
import compose from 'koa-compose';
import { Writable } from 'node:stream';
import * as E from 'fp-ts/Either';
import { accessLog } from '../src/adapters/http/middleware/access-log';
import { authenticate } from '../src/adapters/http/middleware/authenticate';
import { canonicalPath } from '../src/adapters/http/middleware/canonical-path';
import { errorHandler } from '../src/adapters/http/middleware/errors';
import { jsonBody } from '../src/adapters/http/middleware/json-body';
import { refuseOperatorKeys } from '../src/adapters/http/middleware/operator-keys';
import { unrouted } from '../src/adapters/http/middleware/unrouted';
import { respond as respondWith } from '../src/adapters/http/respond';
import { presentUser } from '../src/adapters/http/users/users.presenter';
import type { Authenticate } from '../src/application/auth/authenticate';
import type { Actor } from '../src/domain/auth/actor';
import type { User } from '../src/domain/users/user';
import { loadConfig } from '../src/infrastructure/config/load-config';
import { createNexus } from '../src/infrastructure/nexus';
import { compression, corsFor, securityHeaders } from '../src/adapters/http/middleware/edge';
import { rateLimit } from '../src/adapters/http/middleware/rate-limit';
import { requestContext } from '../src/adapters/http/middleware/request-context';
import { RouteTable } from '../src/adapters/http/routing';
import { PrometheusMetrics } from '../src/adapters/metrics/prometheus-metrics';
import { MemoryRateLimiter } from '../src/adapters/rate-limit/memory-rate-limiter';
import { WinstonLogger } from '../src/infrastructure/logger';
import Router from '@koa/router';
import cors from '@koa/cors';
import compress from 'koa-compress';
import helmet from 'koa-helmet';
import { constants } from 'node:zlib';
import { ADMIN, envelope, JWT_SECRET, SAMPLE_USER } from './fixtures';

const ITERATIONS = Number(process.argv[2] ?? 2000);
const BATCHES = Number(process.argv[3] ?? 15);
const ONLY = process.argv[4]?.split(',').filter(Boolean);

const app = new Koa();
const logger = new WinstonLogger({ level: 'warn', format: 'json', service: 'bench' });
const limiter = () => new MemoryRateLimiter(1_000_000_000, 900, 'bench');
// The production default: every request's line written (here to a stream that drops it).
const infoLogger = new WinstonLogger({ level: 'info', format: 'json', service: 'bench', stream: new Writable({ write: (_chunk, _enc, done) => done() }) });
// A route table the size of the application's: the route a request reaches is resolved in it.
const table = new RouteTable([
  ...['/health/live', '/health/ready', '/metrics'].map((path) => {
    const r = new Router();
    r.get(path, () => undefined);
    return r;
  }),
  ...['auth', 'roles', 'api-keys', 'audit', 'jobs'].map((area) => {
    const r = new Router({ prefix: `/api/${area}` });
    for (const path of ['/list', '/:id', '/:id/a', '/:id/b']) r.get(path, () => undefined).post(path, () => undefined).patch(path, () => undefined).delete(path, () => undefined);
    return r;
  }),
  ((): Router => {
    const r = new Router({ prefix: '/api/users' });
    r.get('/', () => undefined).post('/', () => undefined).get('/me', () => undefined).patch('/me', () => undefined);
    r.get('/:id', () => undefined).patch('/:id', () => undefined).delete('/:id', () => undefined);
    return r;
  })(),
]);
const NOW = new Date('2026-11-30T04:47:12.554Z');
const USER = { ...SAMPLE_USER, emailVerified: true, emailVerifiedAt: NOW, createdAt: NOW, updatedAt: NOW, version: 1, passwordHash: 'x' } as unknown as User;
const ACTOR = { userId: USER.id, permissions: [], via: 'bearer', user: USER } as unknown as Actor;
const auth = { bearer: () => Promise.resolve(ACTOR), apiKey: () => Promise.resolve(null) } as unknown as Authenticate;

const STEPS: Record<string, Middleware> = {
  'request-context': requestContext(),
  'access-log': accessLog(logger, new PrometheusMetrics('bench')),
  helmet: securityHeaders(),
  cors: corsFor(['https://app.example.com']),
  compression: compression(),
  'access-log (info, json lines)': accessLog(infoLogger, new PrometheusMetrics('bench')),
  'error-handler': errorHandler(logger),
  'canonical-path': canonicalPath(),
  unrouted: unrouted(table),
  'rate-limit': rateLimit({ api: limiter(), authClient: limiter() }, table),
  'json-body (GET)': jsonBody('100kb'),
  'operator-keys (GET)': refuseOperatorKeys(),
  authenticate: authenticate(auth),
  // respond + presentUser in place of the handler's literal envelope: what the presenter and envelope add.
  'presenter + envelope': (ctx) => Promise.resolve(respondWith(ctx, E.right(USER), 200, 'User found', presentUser)),
  // The libraries as they are used per request, with our options: the reference each step of ours is read against.
  'reference: koa-helmet per request': helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  }) as unknown as Middleware,
  'reference: @koa/cors per request': cors({ origin: (ctx) => (ctx.get('Origin') === 'https://app.example.com' ? ctx.get('Origin') : ''), credentials: true }),
  'reference: koa-compress per request': ((): Middleware => {
    const c = compress({ threshold: 1024, gzip: { flush: constants.Z_SYNC_FLUSH }, br: { flush: constants.BROTLI_OPERATION_FLUSH }, deflate: false });
    return async (ctx, next) => {
      if (ctx.get('x-no-compression') || !ctx.acceptsEncodings('br', 'gzip', 'identity')) ctx.compress = false;
      return c(ctx, next);
    };
  })(),
};

const handler = (ctx: Koa.Context): Promise<void> => {
  ctx.body = envelope({ ...SAMPLE_USER });
  return Promise.resolve();
};

const context = (): Koa.Context => {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/api/users/6b0cffd059a9b604bb7adf04';
  req.headers = { host: '127.0.0.1', authorization: 'Bearer x', 'accept-encoding': 'gzip, deflate, br', accept: '*/*' };
  const res = new ServerResponse(req);
  return app.createContext(req, res) as Koa.Context;
};

/** What Koa's respond does with the body before writing it (a JSON body is serialised there). */
const respond = (ctx: Koa.Context): number => {
  const body = ctx.body as unknown;
  return typeof body === 'string' ? Buffer.byteLength(body) : Buffer.byteLength(JSON.stringify(body));
};

/** Microseconds per request for `batch` runs of `run`, Koa's serialisation included. */
const time = async (run: (ctx: Koa.Context) => Promise<void>): Promise<number> => {
  const contexts = Array.from({ length: ITERATIONS }, context);
  const t = performance.now();
  for (const ctx of contexts) {
    await run(ctx);
    respond(ctx);
  }
  return ((performance.now() - t) * 1000) / ITERATIONS;
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const main = async (): Promise<void> => {
  const bare = (ctx: Koa.Context) => handler(ctx);
  // Context creation is in both sides of every batch; the difference is the step.
  const rows: { step: string; 'us/request': string; 'handler alone us': string }[] = [];
  for (const [name, step] of Object.entries(STEPS)) {
    if (ONLY && !ONLY.some((o) => name.includes(o))) continue;
    const withStep = (ctx: Koa.Context) => step(ctx, () => handler(ctx)) as Promise<void>;
    await time(bare);
    await time(withStep);
    const diffs: number[] = [];
    const bases: number[] = [];
    for (let i = 0; i < BATCHES; i++) {
      const b = await time(bare);
      const s = await time(withStep);
      bases.push(b);
      diffs.push(s - b);
    }
    rows.push({ step: name, 'us/request': median(diffs).toFixed(2), 'handler alone us': median(bases).toFixed(2) });
  }
  if (!ONLY || ONLY.includes('app')) rows.push(await wholeApp());
  console.table(rows);
};

/** The cached read through the embedded application's every middleware and its route. */
const wholeApp = async (): Promise<{ step: string; 'us/request': string; 'handler alone us': string }> => {
  const env = { NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET, NEXUS_ADMIN_EMAIL: ADMIN.email, NEXUS_ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT_API_MAX: '10000000', RATE_LIMIT_AUTH_MAX: '10000000', PORT: '0' };
  const nexus = await createNexus(loadConfig(env), { role: 'api' });
  const full = nexus.http!;
  const server = full.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const login = (await (await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { data: { accessToken: string; user: { id: string } } };
  server.close();
  const { accessToken, user } = login.data;
  const run = compose(full.middleware);
  const appContext = (): Koa.Context => {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = `/api/users/${user.id}`;
    req.headers = { host: '127.0.0.1', authorization: `Bearer ${accessToken}`, 'accept-encoding': 'gzip, deflate, br', accept: '*/*' };
    return full.createContext(req, new ServerResponse(req)) as Koa.Context;
  };
  const check = appContext();
  await run(check);
  if (check.status !== 200) throw new Error(`the cached read answered ${check.status}: ${JSON.stringify(check.body)}`);
  const timeApp = async (fn: (ctx: Koa.Context) => Promise<unknown>): Promise<number> => {
    const contexts = Array.from({ length: ITERATIONS }, appContext);
    const t = performance.now();
    for (const ctx of contexts) {
      await fn(ctx);
      respond(ctx);
    }
    return ((performance.now() - t) * 1000) / ITERATIONS;
  };
  const bare = (ctx: Koa.Context) => handler(ctx);
  await timeApp(run);
  const diffs: number[] = [];
  const bases: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const b = await timeApp(bare);
    const s = await timeApp(run);
    bases.push(b);
    diffs.push(s - b);
  }
  await nexus.close();
  return { step: 'app: cached GET /api/users/:id (embedded, all middleware + route)', 'us/request': median(diffs).toFixed(2), 'handler alone us': median(bases).toFixed(2) };
};

void main();
