// The production list's reference: Koa + @koa/router answering GET /api/users with the bare
// MongoDB driver running exactly the commands Nexus' repository sends for that page (captured by
// the harness with the driver's command monitoring, passed here as extended JSON), all at once,
// on the same server and database.
import Router from '@koa/router';
import Koa from 'koa';
import { BSON, type Document, MongoClient } from 'mongodb';

const main = async (): Promise<void> => {
  const commands = BSON.EJSON.parse(process.env['BENCH_LIST_COMMANDS'] ?? '[]', { relaxed: false }) as Document[];
  if (commands.length === 0) throw new Error('BENCH_LIST_COMMANDS is empty');
  const client = await MongoClient.connect(process.env['MONGO_URL']!);
  const db = client.db(process.env['MONGO_DB']);
  const app = new Koa();
  const router = new Router();
  router.get('/api/users', async (ctx) => {
    const replies = await Promise.all(commands.map((c) => db.command(c)));
    const batches = replies.map((r) => ((r['cursor'] as { firstBatch?: Document[] } | undefined)?.firstBatch ?? []) as Document[]);
    ctx.body = { success: true, statusCode: 200, message: 'Users', data: { items: batches[0], others: batches.slice(1), n: replies.map((r) => r['n']) } };
  });
  app.use(router.routes());
  const server = app.listen(Number(process.env['PORT']), '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
};

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
