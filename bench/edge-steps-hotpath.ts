/* eslint-disable */
// Before/after in one run for the cuts of the cached read's request path (issue 12): each step
// taken from another checkout's dist/ and from this one's, timed in process on real Koa contexts
// in alternating rounds (the order swapped each round), medians quoted. Figures in the commit
// messages of the hotpath cuts come from here.
//   npm run build && npx tsc -p bench/tsconfig.json   (in both checkouts)
//   node dist/bench/bench/edge-steps-hotpath.js <before checkout> [steps,comma-separated|all] [iterations=3000] [rounds=11]
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import { ROOT } from './fixtures';

const BEFORE = process.argv[2] ?? ROOT;
const ONLY = (process.argv[3] ?? 'all').split(',');
const ITER = Number(process.argv[4] ?? 3000);
const ROUNDS = Number(process.argv[5] ?? 11);

const app = new Koa();
const USER_ID = '6b0cffd059a9b604bb7adf04';
const mk = (headers: Record<string, string> = {}) => (): Koa.Context => {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = `/api/users/${USER_ID}`;
  req.headers = { host: '127.0.0.1', accept: '*/*', ...headers };
  return app.createContext(req, new ServerResponse(req)) as Koa.Context;
};
const done = (): Promise<void> => Promise.resolve();
const silent = { debug() {}, info() {}, warn() {}, error() {} };

type Run = (ctx: Koa.Context) => unknown;
interface Step { make: () => Koa.Context; before: Run; after: Run }

const side = (root: string) => (p: string) => require(join(root, 'dist', p));

/** A cached user as the cache holds it (what CachedUserLookup stores), the bench admin's size. */
const CACHED_USER = {
  id: USER_ID, name: 'Bench Admin', email: 'bench-admin@example.com', emailVerified: true, emailVerifiedAt: '2026-11-30T04:47:12.554Z', age: null,
  status: 'active', roleIds: ['6b0cffd059a9b604bb7adf01'], isDeleted: false, deletedAt: null, createdAt: '2026-11-30T04:47:12.554Z', updatedAt: '2026-11-30T04:47:12.554Z', version: 3,
};

const deepFreeze = <T>(v: T): T => {
  if (v !== null && typeof v === 'object') { for (const x of Object.values(v)) deepFreeze(x); Object.freeze(v); }
  return v;
};

/** An embedded Nexus of a checkout's dist/, with the bench admin signed in. */
const nexusOf = async (root: string) => {
  const r = side(root);
  const { ADMIN, JWT_SECRET } = require('./fixtures');
  const env = { NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET, NEXUS_ADMIN_EMAIL: ADMIN.email, NEXUS_ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT_API_MAX: '10000000', RATE_LIMIT_AUTH_MAX: '10000000' };
  const nexus = await r('infrastructure/nexus').createNexus(r('infrastructure/config/load-config').loadConfig(env), { role: 'api' });
  const server = nexus.http.listen(0, '127.0.0.1');
  await new Promise((res) => server.once('listening', res));
  const { port } = server.address() as { port: number };
  const login = (await (await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as any;
  server.close();
  return { nexus, r, token: login.data.accessToken as string };
};

const steps: Record<string, () => Promise<Step> | Step> = {
  /** The envelope of a shared (frozen) user view, typed and serialised as Koa or the compression step would. */
  envelope: async () => {
    const r = side(ROOT);
    const cache = new (r('adapters/memory/in-memory-cache').InMemoryCache)();
    await cache.set(`user:${USER_ID}`, CACHED_USER, 300);
    const found = await new (r('application/users/cached-user-lookup').CachedUserLookup)({}, cache, silent).find(USER_ID);
    const view = r('adapters/http/users/users.presenter').presentUser(found.right);
    const of = (x: ReturnType<typeof side>) => {
      const { reply } = x('adapters/http/envelope');
      return (ctx: Koa.Context) => {
        reply(ctx, 200, 'User found', view);
        return typeof ctx.body === 'string' ? ctx.body.length : JSON.stringify(ctx.body).length;
      };
    };
    return { make: mk(), before: of(side(BEFORE)), after: of(r) };
  },
  /** The security headers and the users router's requireActor, around a handler. */
  frames: () => {
    const of = (r: ReturnType<typeof side>) => {
      const headers = r('adapters/http/middleware/edge').securityHeaders();
      const { requireActor } = r('adapters/http/middleware/authenticate');
      return (ctx: Koa.Context) => {
        ctx.state['actor'] = { userId: USER_ID };
        return headers(ctx, () => requireActor(ctx, done));
      };
    };
    return { make: mk(), before: of(side(BEFORE)), after: of(side(ROOT)) };
  },
  /** Authenticate.bearer on a warm embedded Nexus: the token, the caller, its session and its permissions. */
  bearer: async () => {
    const of = async (root: string) => {
      const { nexus, r, token } = await nexusOf(root);
      const auth = nexus.container.get(r('application/auth/authenticate').Authenticate);
      return (_: Koa.Context) => auth.bearer(token);
    };
    return { make: mk(), before: await of(BEFORE), after: await of(ROOT) };
  },
  /** What a GET reads and writes of headers around the use case: request id, authentication, CORS without an Origin, the ETag check, the envelope. */
  headers: () => {
    const actor = { userId: USER_ID, permissions: [], via: 'token', sessionId: 's1' };
    const auth = { bearer: () => Promise.resolve(actor), apiKey: () => Promise.resolve(null) };
    const of = (r: ReturnType<typeof side>) => {
      const authenticate = r('adapters/http/middleware/authenticate').authenticate(auth);
      const cors = r('adapters/http/middleware/edge').corsFor([]);
      const { notModified } = r('adapters/http/conditional');
      const { reply } = r('adapters/http/envelope');
      const view = { id: USER_ID };
      return (ctx: Koa.Context) =>
        cors(ctx, () =>
          authenticate(ctx, async () => {
            if (!notModified(ctx, `"${USER_ID}-3-abcdef12"`)) reply(ctx, 200, 'User found', view);
          }),
        );
    };
    return { make: mk({ authorization: 'Bearer x.y.z' }), before: of(side(BEFORE)), after: of(side(ROOT)) };
  },
  /** The user of a (frozen, shared) cache entry, and its view: CachedUserLookup.resolve and presentUser. */
  present: () => {
    const entry = deepFreeze(JSON.parse(JSON.stringify(CACHED_USER)));
    const presentOf = (r: ReturnType<typeof side>) => {
      const lookup = new (r('application/users/cached-user-lookup').CachedUserLookup)({}, {}, silent);
      const { presentUser } = r('adapters/http/users/users.presenter');
      return async (_: Koa.Context) => {
        const found = await lookup.resolve(USER_ID, entry);
        return presentUser(found.right);
      };
    };
    return { make: mk(), before: presentOf(side(BEFORE)), after: presentOf(side(ROOT)) };
  },
  /** The cached read's reads of the in-memory cache: the caller, its session's live and revoked marks, its permissions. */
  'cache-get': async () => {
    const cacheOf = async (r: ReturnType<typeof side>) => {
      const cache = new (r('adapters/memory/in-memory-cache').InMemoryCache)();
      await cache.set(`user:${USER_ID}`, CACHED_USER, 300);
      await cache.set('session:live:s1', { userId: USER_ID, userVersion: 3, usedAt: Date.now() }, 60);
      await cache.set(`perms:user:${USER_ID}`, [{ resource: '*', action: '*' }], 60);
      return (_: Koa.Context) => Promise.all([cache.get(`user:${USER_ID}`), cache.get('session:live:s1'), cache.get('session:revoked:s1'), cache.get(`perms:user:${USER_ID}`)]);
    };
    return { make: mk(), before: await cacheOf(side(BEFORE)), after: await cacheOf(side(ROOT)) };
  },
  /** The health, metrics and docs routers, which every request to /api passes before its own. */
  routers: () => {
    const routers = (r: ReturnType<typeof side>) => {
      const health = r('adapters/http/health/health.routes').healthRoutes({ checks: [], timeoutMs: 1000, startedAt: Date.now(), logger: silent });
      const docs = r('adapters/http/docs/docs.routes').docsRoutes();
      const metrics = r('adapters/http/routing').createRouter();
      metrics.get('/metrics', () => undefined);
      const mount = r('adapters/http/routing').mountRouter ?? ((x: Router) => x.routes());
      return [health, metrics, docs].map((x: Router) => mount(x));
    };
    const [b, a] = [routers(side(BEFORE)), routers(side(ROOT))];
    const chain = (mws: ((c: Koa.Context, n: () => Promise<void>) => unknown)[]) => async (c: Koa.Context) => {
      for (const mw of mws) await mw(c, done);
    };
    return { make: mk(), before: chain(b), after: chain(a) };
  },
};

const time = async (make: () => Koa.Context, run: Run): Promise<number> => {
  const contexts = Array.from({ length: ITER }, make);
  const t = performance.now();
  for (const c of contexts) await run(c);
  return ((performance.now() - t) * 1000) / ITER;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const main = async () => {
  const rows = [];
  for (const [name, build] of Object.entries(steps)) {
    if (!ONLY.includes('all') && !ONLY.includes(name)) continue;
    const { make, before, after } = await build();
    for (let i = 0; i < 3; i++) { await time(make, before); await time(make, after); }
    const b: number[] = [], a: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order: [Run, number[]][] = i % 2 === 0 ? [[before, b], [after, a]] : [[after, a], [before, b]];
      for (const [run, out] of order) out.push(await time(make, run));
    }
    rows.push({ step: name, 'before us': median(b).toFixed(2), 'after us': median(a).toFixed(2), 'after/before': (median(a) / median(b)).toFixed(2) });
  }
  console.table(rows);
  process.exit(0);
};
void main();
