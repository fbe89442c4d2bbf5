// The ceiling: a bare Koa app with a JSON body parser answering in the same envelope as Nexus.
// Whatever Nexus costs on top of this is ours.
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';

const app = new Koa();
app.use(bodyParser({ enableTypes: ['json'] }));
// The same shape and size as a Nexus user, so the ratio measures our code rather than bytes.
const user = {
  id: '6b0cffd059a9b604bb7adf04',
  name: 'Bench User',
  email: 'bench-12345-1@example.com',
  age: 30,
  status: 'active',
  roleIds: [],
  createdAt: '2026-11-30T04:47:12.554Z',
  updatedAt: '2026-11-30T04:47:12.554Z',
};
app.use((ctx) => {
  ctx.set('X-Request-ID', '0f05994b-4390-47f4-946f-3ea7fe92f83e');
  const data = ctx.method === 'POST' ? { ...user, ...((ctx.request as { body?: object }).body ?? {}) } : user;
  ctx.status = ctx.method === 'POST' ? 201 : 200;
  ctx.body = { success: true, statusCode: ctx.status, message: 'ok', data };
});
const server = app.listen(Number(process.env['PORT']), '127.0.0.1', () => process.stdout.write('listening on bare\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
