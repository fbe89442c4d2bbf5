// The CPU each edge step costs a request, in-process, without HTTP or autocannon: every step of
// src/adapters/http/middleware around a handler that answers the ceiling's user envelope, on a
// real Koa context, timed in alternating batches against the handler alone (median of the
// batch differences). On a loaded, shared machine this is steadier than any req/s figure.
//   node dist/bench/bench/edge-steps.js [iterations per batch, default 2000] [batches, default 15]
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa, { type Middleware } from 'koa';
import { accessLog } from '../src/adapters/http/middleware/access-log';
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
import { envelope, SAMPLE_USER } from './fixtures';

const ITERATIONS = Number(process.argv[2] ?? 2000);
const BATCHES = Number(process.argv[3] ?? 15);

const app = new Koa();
const router = new Router({ prefix: '/api/users' });
router.get('/:id', () => undefined);
const logger = new WinstonLogger({ level: 'warn', format: 'json', service: 'bench' });
const limiter = () => new MemoryRateLimiter(1_000_000_000, 900, 'bench');

const STEPS: Record<string, Middleware> = {
  'request-context': requestContext(),
  'access-log': accessLog(logger, new PrometheusMetrics('bench')),
  helmet: securityHeaders(),
  cors: corsFor(['https://app.example.com']),
  compression: compression(),
  'rate-limit': rateLimit({ api: limiter(), authClient: limiter() }, new RouteTable([router])),
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
  console.table(rows);
};

void main();
