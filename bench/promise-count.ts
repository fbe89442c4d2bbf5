// How many promises (and other async resources) one cached authenticated GET /api/users/:id
// makes in the compiled embedded server: the server runs with bench/promise-count-hook.ts
// preloaded, is warmed, then counts over N requests. With the request context's promise hooks
// on Node 20, each promise has a price, so this is a figure to watch on the hot path.
//   npm run build && npx tsc -p bench/tsconfig.json
//   node dist/bench/bench/promise-count.js [requests=1000]     (PROMISE_STACKS=1: where each is made)
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitForPort } from '../test/support/services';
import { ADMIN, benchServerEnv, ROOT } from './fixtures';

const REQUESTS = Number(process.argv[2] ?? 1000);

const main = async (): Promise<void> => {
  const port = await freePort();
  const hook = join(ROOT, 'dist/bench/bench/promise-count-hook.js');
  const child = spawn(process.execPath, ['--require', hook, join(ROOT, 'dist/infrastructure/server.js')], {
    cwd: ROOT,
    env: { ...benchServerEnv({ PORT: String(port) }), ...(process.env['PROMISE_STACKS'] ? { PROMISE_STACKS: process.env['PROMISE_STACKS'] } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitForPort(port, 120_000, child);
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const { accessToken, user } = ((await login.json()) as { data: { accessToken: string; user: { id: string } } }).data;
  const read = { url: `${base}/api/users/${user.id}`, headers: { authorization: `Bearer ${accessToken}` }, connections: 32 };
  await autocannon({ ...read, amount: 5000 });
  child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 200));
  const result = await autocannon({ ...read, amount: REQUESTS });
  child.kill('SIGUSR2');
  const deadline = Date.now() + 5000;
  while (!stderr.includes('PROMISE-COUNT') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  const line = stderr.split('\n').find((l) => l.startsWith('PROMISE-COUNT '));
  if (!line) throw new Error(`the server printed no count:\n${stderr}`);
  const counted = JSON.parse(line.slice('PROMISE-COUNT '.length)) as { byType: Record<string, number>; byPlace: [string, number][] };
  const answered = result['2xx'];
  if (answered !== REQUESTS) throw new Error(`${answered} of ${REQUESTS} reads answered 2xx`);
  console.log(`\n${process.version}: async resources per cached authenticated read (${REQUESTS} reads)`);
  console.table(Object.entries(counted.byType).map(([type, n]) => ({ type, 'per read': (n / REQUESTS).toFixed(2) })));
  if (counted.byPlace.length > 0) console.table(counted.byPlace.map(([where, n]) => ({ 'per read': (n / REQUESTS).toFixed(2), where })));
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
