// The ceiling (Koa + @koa/router answering a Nexus-sized user) with what a question of
// bench/context-cost.ts adds to it: FRAMES pass-through async middlewares
// (`async (ctx, next) => { await next() }`), and with CONTEXT=1 one AsyncLocalStorage.run per
// request around them, as Nexus's request context does.
import Router from '@koa/router';
import Koa from 'koa';
import { AsyncLocalStorage } from 'node:async_hooks';
import { envelope, SAMPLE_USER } from '../fixtures';

const frames = Number(process.env['FRAMES'] ?? 0);
const app = new Koa();
if (process.env['CONTEXT'] === '1') {
  const context = new AsyncLocalStorage<{ requestId: string }>();
  app.use((_ctx, next) => context.run({ requestId: '0f05994b-4390-47f4-946f-3ea7fe92f83e' }, next));
}
for (let i = 0; i < frames; i += 1) {
  app.use(async (_ctx, next) => {
    await next();
  });
}
const router = new Router();
const body = envelope(SAMPLE_USER);
router.get('/api/users/:id', (ctx) => {
  ctx.body = body;
});
app.use(router.routes());
const server = app.listen(Number(process.env['PORT']), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
