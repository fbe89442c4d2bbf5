/* eslint-disable */
// Before/after in one run for the embedded list: two builds of the application (dist/ folders),
// each composed as the embedded server is and seeded with SEEDED_USERS users through its
// repository, timed in process in alternating batches (order swapped each round): the whole
// app's `GET /api/users?page=1&limit=20` (bearer, as the bench asks it), and the repository's
// list alone on page 1 (with its total) and on the cursor page 500; next to the cached read by id
// on the same app (the shared request path); the page's cursor sealed. Setup:
//   mkdir -p /tmp/base && git archive <ref> src scripts tsconfig.json tsconfig.build.json package.json | tar -x -C /tmp/base
//   cd /tmp/base && ln -s <checkout>/node_modules && npx tsc -p tsconfig.build.json && node scripts/copy-assets.cjs
//   npm run build && npx tsc -p bench/tsconfig.json
//   CMP_BEFORE=/tmp/base/dist node dist/bench/bench/list-compare.js [iterations] [batches]
import 'reflect-metadata';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type Koa from 'koa';
import compose from 'koa-compose';
import argon2 from 'argon2';
import { ADMIN, JWT_SECRET, ROOT, SEEDED_USERS, signInAdmin, USER_PASSWORD } from './fixtures';

const ITER = Number(process.argv[2] ?? 500);
const BATCHES = Number(process.argv[3] ?? 11);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const side = async (dist: string, hash: string) => {
  const r = (p: string) => require(join(dist, p));
  const env = { NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET, NEXUS_ADMIN_EMAIL: ADMIN.email, NEXUS_ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT_API_MAX: '10000000', RATE_LIMIT_AUTH_MAX: '10000000' };
  const nexus = await r('infrastructure/nexus').createNexus(r('infrastructure/config/load-config').loadConfig(env), { role: 'api' });
  const role = await nexus.adapters.roles.findByName('user');
  // The bench's seed, with this build's domain (benchUsers' shape: one second apart, one role).
  const { newUser, parseUserId } = r('domain/users/user');
  const { trustedId } = r('domain/shared/id');
  const { ObjectIdGenerator } = r('adapters/system/object-id-generator');
  const ids = new ObjectIdGenerator();
  const start = Date.now() - SEEDED_USERS * 1000;
  for (let i = 0; i < SEEDED_USERS; i++) {
    const u = newUser(trustedId(parseUserId, ids.next()), { name: `Seeded User ${i}`, email: `seed-${i}@example.com`, age: 18 + (i % 60) }, new Date(start + i * 1000), [role.id]);
    await nexus.adapters.users.insert(u.right, hash);
  }
  const app: Koa = nexus.http;
  const login = await signInAdmin(app);
  const token: string = login.token;
  const run = compose(app.middleware as any);
  const make = (url: string) => (): Koa.Context => {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = url;
    req.headers = { host: '127.0.0.1', accept: '*/*', authorization: `Bearer ${token}` };
    return app.createContext(req, new ServerResponse(req)) as Koa.Context;
  };
  const users = nexus.adapters.users;
  // The cursor of page 500, the last (default order), taken from the repository itself.
  let from: any = { page: 1 };
  for (let i = 0; i < 499; i++) from = { after: (await users.list({ limit: 20, sortBy: 'createdAt', sortOrder: 'desc', from, withTotal: false })).next };
  const { ListCursors } = r('adapters/http/pagination.codecs');
  const { userListCursor } = r('adapters/http/users/users.codecs');
  const cursors = new ListCursors(JWT_SECRET);
  const next = (await users.list({ limit: 20, sortBy: 'createdAt', sortOrder: 'desc', from: { page: 1 }, withTotal: true })).next;
  const seal = () => userListCursor(cursors, 'createdAt', 'desc', next);
  const cursor500 = userListCursor(cursors, 'createdAt', 'desc', from.after);
  return { nexus, run, seal, make: make('/api/users?page=1&limit=20'), makeRead: make(`/api/users/${login.id}`), make500: make(`/api/users?limit=20&after=${cursor500}`), users, page500: from };
};

const timeApp = (which: 'make' | 'makeRead' | 'make500') => async (s: Awaited<ReturnType<typeof side>>) => {
  const cs = Array.from({ length: ITER }, s[which]);
  const t = performance.now();
  for (const c of cs) {
    await s.run(c, () => Promise.resolve());
    if (c.status !== 200) throw new Error(`status ${c.status}`);
    // What the server does after the middleware: the body serialised (the compression step does it).
    if (typeof c.body !== 'string') JSON.stringify(c.body);
  }
  return ((performance.now() - t) * 1000) / ITER;
};

// The repository and the seal take a few us: 20 times the app's iterations, so a batch outlasts a scheduler slice.
const timeList = (query: object) => async (s: Awaited<ReturnType<typeof side>>) => {
  const t = performance.now();
  for (let i = 0; i < ITER * 20; i++) await s.users.list(query);
  return ((performance.now() - t) * 1000) / (ITER * 20);
};

const main = async () => {
  const hash = await argon2.hash(USER_PASSWORD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  const before = await side(process.env['CMP_BEFORE'] ?? join(ROOT, '../base/dist'), hash);
  const after = await side(process.env['CMP_AFTER'] ?? join(ROOT, 'dist'), hash);
  const rows: object[] = [];
  const measures: [string, (s: typeof before) => Promise<number>][] = [
    ['app: GET /api/users?page=1&limit=20', timeApp('make')],
    ['app: GET /api/users?limit=20&after=<cursor of page 500>', timeApp('make500')],
    // The shared request path: what the list costs beyond it is the list's own.
    ['app: GET /api/users/:id (cached, own id)', timeApp('makeRead')],
    ['repository list, page 1 with total', timeList({ limit: 20, sortBy: 'createdAt', sortOrder: 'desc', from: { page: 1 }, withTotal: true })],
    ['repository list, cursor page 500', (s) => timeList({ limit: 20, sortBy: 'createdAt', sortOrder: 'desc', from: s.page500, withTotal: false })(s)],
    ['cursor of page 1 (its nextCursor, sealed)', async (s) => {
      const t = performance.now();
      for (let i = 0; i < ITER * 20; i++) s.seal();
      return ((performance.now() - t) * 1000) / (ITER * 20);
    }],
  ];
  for (const [name, fn] of measures) {
    for (let i = 0; i < 3; i++) { await fn(before); await fn(after); }
    const b: number[] = [], a: number[] = [], ratios: number[] = [];
    for (let i = 0; i < BATCHES; i++) {
      const sides: [typeof before, number[]][] = i % 2 === 0 ? [[before, b], [after, a]] : [[after, a], [before, b]];
      for (const [s, out] of sides) out.push(await fn(s));
      ratios.push(a[a.length - 1]! / b[b.length - 1]!);
    }
    // The median of the rounds' ratios: a round's two sides ran back to back, under the same load.
    rows.push({ step: name, 'before us': median(b).toFixed(2), 'after us': median(a).toFixed(2), 'after/before (median of rounds)': median(ratios).toFixed(2) });
  }
  console.table(rows);
  await before.nexus.close();
  await after.nexus.close();
  process.exit(0);
};
void main();
