// Ceiling (the goal's reference): Koa + @koa/router serving GET /api/users/:id with a
// Nexus-sized user in the Nexus envelope: the least a routed Koa app does for that read.
import Router from '@koa/router';
import Koa from 'koa';
import { envelope, SAMPLE_USER } from '../fixtures';

const app = new Koa();
const router = new Router({ prefix: '/api/users' });
router.get('/:id', (ctx) => {
  ctx.set('X-Request-ID', '0f05994b-4390-47f4-946f-3ea7fe92f83e');
  ctx.body = envelope({ ...SAMPLE_USER, id: ctx.params['id'] });
});
app.use(router.routes());
const server = app.listen(Number(process.env['PORT']), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
