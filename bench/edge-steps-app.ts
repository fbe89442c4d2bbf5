/* eslint-disable */
// The whole embedded application's cached authenticated GET /api/users/:id, in process, from
// request to the last byte handed to the socket (Koa's respond, Node's header writing and the
// access log's 'finish' included), for two builds in one alternating run: no network, no
// autocannon, so a loaded machine still gives comparable figures. Next to it, the Koa +
// @koa/router ceiling of the bench on the same fake sockets.
//   npm run build && npx tsc -p bench/tsconfig.json
//   node dist/bench/bench/edge-steps-app.js <before checkout> [iterations=2000] [batches=15] [edge on|off]
// (each checkout with its dist/ built). `--cpu-prof` on node profiles the loop.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import { ADMIN, envelope, JWT_SECRET, ROOT, SAMPLE_USER, signInAdmin } from './fixtures';

const BEFORE = process.argv[2] ?? ROOT;
const ITER = Number(process.argv[3] ?? 2000);
const BATCHES = Number(process.argv[4] ?? 15);
const EDGE = process.argv[5] ?? 'on';

/** A socket that takes every write at once (and says so on the next tick, as a fast socket would). */
const fakeSocket = (): Socket => {
  const s = new Writable({ write: (_c, _e, cb) => cb(), writev: (_c, cb) => cb() }) as unknown as Record<string, unknown>;
  s['remoteAddress'] = '127.0.0.1';
  s['encrypted'] = false;
  s['setTimeout'] = () => s;
  s['destroySoon'] = () => undefined;
  return s as unknown as Socket;
};

type Handle = (req: IncomingMessage, res: ServerResponse) => unknown;
const request = (handle: Handle, url: string, headers: Record<string, string>): Promise<number> => {
  const socket = fakeSocket();
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.url = url;
  req.httpVersionMajor = 1; req.httpVersionMinor = 1; req.httpVersion = '1.1';
  req.headers = { host: '127.0.0.1:3000', 'user-agent': 'autocannon', ...headers };
  req.complete = true;
  req.push(null);
  const res = new ServerResponse(req);
  res.shouldKeepAlive = true;
  res.assignSocket(socket);
  return new Promise((resolve) => {
    res.once('finish', () => resolve(res.statusCode));
    handle(req, res);
  });
};

const time = async (handle: Handle, url: string, headers: Record<string, string>): Promise<number> => {
  const t = performance.now();
  for (let i = 0; i < ITER; i++) await request(handle, url, headers);
  return ((performance.now() - t) * 1000) / ITER;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const nexusSide = async (root: string) => {
  const r = (p: string) => require(join(root, 'dist', p));
  const env = { NODE_ENV: 'production', LOG_LEVEL: process.env['CMP_LOG_LEVEL'] ?? 'warn', JWT_SECRET, NEXUS_ADMIN_EMAIL: ADMIN.email, NEXUS_ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT_API_MAX: '10000000', RATE_LIMIT_AUTH_MAX: '10000000', EDGE_MIDDLEWARE: EDGE };
  const nexus = await r('infrastructure/nexus').createNexus(r('infrastructure/config/load-config').loadConfig(env), { role: 'api' });
  const app: Koa = nexus.http;
  const login = await signInAdmin(app);
  const handle = app.callback() as Handle;
  const url = `/api/users/${login.id}`;
  const headers = { authorization: `Bearer ${login.token}` };
  const status = await request(handle, url, headers);
  if (status !== 200) throw new Error(`${root}: ${status}`);
  return { nexus, handle, url, headers };
};

const main = async () => {
  const ceilingApp = new Koa();
  const router = new Router({ prefix: '/api/users' });
  router.get('/:id', (ctx) => {
    ctx.set('X-Request-ID', '0f05994b-4390-47f4-946f-3ea7fe92f83e');
    ctx.body = envelope({ ...SAMPLE_USER, id: ctx.params['id'] });
  });
  ceilingApp.use(router.routes());
  const ceiling = { handle: ceilingApp.callback() as Handle, url: '/api/users/6b0cffd059a9b604bb7adf04', headers: {} };
  const before = await nexusSide(BEFORE);
  const after = await nexusSide(ROOT);
  const sides = [ceiling, before, after];
  const out: number[][] = sides.map(() => []);
  for (let i = 0; i < 3; i++) for (const s of sides) await time(s.handle, s.url, s.headers);
  for (let b = 0; b < BATCHES; b++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (b + k) % sides.length;
      const s = sides[i]!;
      out[i]!.push(await time(s.handle, s.url, s.headers));
    }
  }
  const [c, bf, af] = out.map(median) as [number, number, number];
  console.table([
    { side: 'ceiling: Koa + @koa/router', 'us/request': c.toFixed(1) },
    { side: `before (${BEFORE})`, 'us/request': bf.toFixed(1), 'x ceiling CPU': (c / bf).toFixed(2) },
    { side: 'after (this checkout)', 'us/request': af.toFixed(1), 'x ceiling CPU': (c / af).toFixed(2), 'after/before': (af / bf).toFixed(2) },
  ]);
  await before.nexus.close();
  await after.nexus.close();
};
void main();
