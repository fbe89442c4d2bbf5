// Ceiling: a Koa hello answering a Nexus-sized user in the Nexus envelope.
import Koa from 'koa';
import { envelope, SAMPLE_USER } from '../fixtures';

const app = new Koa();
const body = envelope(SAMPLE_USER);
app.use((ctx) => {
  ctx.set('X-Request-ID', '0f05994b-4390-47f4-946f-3ea7fe92f83e');
  ctx.body = body;
});
const server = app.listen(Number(process.env['PORT']), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
