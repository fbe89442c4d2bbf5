// npm run bench: drives Nexus with autocannon and reports each figure as a ratio to a ceiling
// measured in the same run, on the same machine, with the same load. See README "Performance".
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort, mongoService, redisService, stopAllServices, uniqueDbName, waitForPort } from '../test/support/services';

const ROOT = resolve(__dirname, '..');
const DURATION = Number(process.env['BENCH_DURATION'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);

interface Figure {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly ratio?: number;
  readonly rssMb?: number;
}

const start = async (entry: string, env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port, 60_000, child);
  return { port, child };
};

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((res) => {
    if (child.exitCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });

const rssMb = (child: ChildProcess): number => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
};

let unique = 0;
const load = async (name: string, options: autocannon.Options): Promise<Figure> => {
  // A short warm-up lets the JIT and the pools settle before we measure.
  await autocannon({ ...options, duration: 1 });
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...options });
  return { name, reqPerSec: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx + r.errors };
};

const uniqueUserBody = (): string => JSON.stringify({ name: 'Bench User', email: `bench-${process.pid}-${++unique}@example.com`, age: 30 });

const measureNexus = async (profile: string, env: Record<string, string>, ceiling: { get: number; post: number }): Promise<Figure[]> => {
  const { port, child } = await start('src/infrastructure/server.ts', env);
  try {
    const base = `http://127.0.0.1:${port}`;
    const created = await fetch(`${base}/api/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: uniqueUserBody() });
    const id = ((await created.json()) as { data: { id: string } }).data.id;
    const get = await load(`${profile}: GET /api/users/:id (cached)`, { url: `${base}/api/users/${id}` });
    const post = await load(`${profile}: POST /api/users`, {
      url: `${base}/api/users`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [{ setupRequest: (req) => ({ ...req, body: uniqueUserBody() }) }],
    });
    const rss = rssMb(child);
    return [
      { ...get, ratio: get.reqPerSec / ceiling.get, rssMb: rss },
      { ...post, ratio: post.reqPerSec / ceiling.post, rssMb: rss },
    ];
  } finally {
    await stop(child);
  }
};

const main = async (): Promise<void> => {
  const figures: Figure[] = [];

  const bare = await start('bench/bare-koa.ts', {});
  const bareGet = await load('ceiling: bare Koa GET', { url: `http://127.0.0.1:${bare.port}/bare` });
  const barePost = await load('ceiling: bare Koa POST (JSON body)', {
    url: `http://127.0.0.1:${bare.port}/bare`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: uniqueUserBody(),
  });
  figures.push({ ...bareGet, ratio: 1, rssMb: rssMb(bare.child) }, { ...barePost, ratio: 1, rssMb: rssMb(bare.child) });
  await stop(bare.child);
  const ceiling = { get: bareGet.reqPerSec, post: barePost.reqPerSec };

  figures.push(...(await measureNexus('embedded', {}, ceiling)));

  const [mongo, redis] = await Promise.all([mongoService(), redisService()]);
  if (mongo && redis) {
    figures.push(
      ...(await measureNexus('production', { MONGO_URL: mongo.url, MONGO_DB: uniqueDbName('nexus_bench'), REDIS_URL: redis.url, QUEUE_PREFIX: `bench-${process.pid}` }, ceiling)),
    );
  } else {
    process.stderr.write('production profile skipped: no MongoDB or Redis found (npm run services)\n');
  }
  await stopAllServices();

  const rows = figures.map((f) => ({
    name: f.name,
    'req/s': f.reqPerSec,
    'p50 ms': f.p50Ms,
    'p99 ms': f.p99Ms,
    'x ceiling': f.ratio === undefined ? '' : f.ratio.toFixed(2),
    'RSS MB': f.rssMb ?? '',
    errors: f.non2xx,
  }));
  console.table(rows);
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  const out = resolve(ROOT, 'bench/results/latest.json');
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, durationS: DURATION, connections: CONNECTIONS, figures }, null, 2));
  console.log(`written to ${out}`);
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
