// The floor of the cached read: Koa + @koa/router answering GET /api/users/:id with exactly what
// Nexus answers (the same headers, the same body bytes), given in FLOOR_RESPONSE as
// `{"headers": [[name, value], ...], "body": "..."}` (bench/edge-steps-cpu.ts captures it from a
// running Nexus). What is left between this and the Koa + router ceiling is the price of the
// response itself (its headers and its size), which no code of ours can cut.
import Router from '@koa/router';
import Koa from 'koa';

const { headers, body } = JSON.parse(process.env['FLOOR_RESPONSE'] ?? '{"headers":[],"body":"{}"}') as { headers: [string, string][]; body: string };
const app = new Koa();
const router = new Router({ prefix: '/api/users' });
router.get('/:id', (ctx) => {
  for (const [name, value] of headers) ctx.set(name, value);
  ctx.body = body;
  // A string body makes Koa say text/plain: say what Nexus says.
  ctx.type = 'application/json; charset=utf-8';
});
app.use(router.routes());
const server = app.listen(Number(process.env['PORT']), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
