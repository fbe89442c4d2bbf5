// npm run bench: drives Nexus with autocannon and reports each figure as a ratio to a ceiling
// measured in the same run, on the same machine, with the same load. See README "Performance".
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import argon2 from 'argon2';
import { measureJobs } from './jobs';
import { OWASP_ARGON2ID } from '../src/adapters/security/argon2-password-hasher';
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

const ADMIN = { email: 'bench-admin@example.com', password: 'Bench-Admin-Password-91!' };

const start = async (entry: string, env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_SECRET: 'd281a393cfff72f99ca1152032ac0493e9a01b7dd7f1982348b41d9ac24cc96a',
      NEXUS_ADMIN_EMAIL: ADMIN.email,
      NEXUS_ADMIN_PASSWORD: ADMIN.password,
      // The bench is one client hammering the API on purpose.
      RATE_LIMIT_API_MAX: '10000000',
      RATE_LIMIT_AUTH_MAX: '10000000',
      ...env,
    },
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

const uniqueUserBody = (): string =>
  JSON.stringify({ name: 'Bench User', email: `bench-${process.pid}-${++unique}@example.com`, age: 30, password: 'Tangerine-Lighthouse-58!' });

/**
 * The ceiling for login: argon2id verifies per second with our parameters, on as many
 * concurrent verifies as libuv runs, measured in this process.
 */
const argon2VerifyRate = async (seconds: number): Promise<Figure> => {
  const hash = await argon2.hash(ADMIN.password, OWASP_ARGON2ID);
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const t = performance.now();
      await argon2.verify(hash, ADMIN.password);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
  return { name: 'ceiling: bare argon2id verify (4 at a time)', reqPerSec: Math.round(latencies.length / seconds), p50Ms: pct(0.5), p99Ms: pct(0.99), non2xx: 0 };
};

interface Ceilings {
  readonly get: number;
  readonly post: number;
  readonly argon2: number;
}

const measureNexus = async (profile: string, env: Record<string, string>, ceiling: Ceilings): Promise<Figure[]> => {
  const { port, child } = await start('src/infrastructure/server.ts', env);
  try {
    const base = `http://127.0.0.1:${port}`;
    const json = { 'content-type': 'application/json' };
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) });
    const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
    const auth = { ...json, authorization: `Bearer ${token}` };
    // Enough users for a full first page, created through the API.
    let id = '';
    for (let i = 0; i < 25; i++) {
      const created = await fetch(`${base}/api/users`, { method: 'POST', headers: auth, body: uniqueUserBody() });
      id = ((await created.json()) as { data: { id: string } }).data.id;
    }
    const get = await load(`${profile}: GET /api/users/:id (cached, bearer)`, { url: `${base}/api/users/${id}`, headers: auth });
    const list = await load(`${profile}: GET /api/users?page=1&limit=20 (bearer)`, { url: `${base}/api/users?page=1&limit=20`, headers: auth });
    const post = await load(`${profile}: POST /api/auth/register`, {
      url: `${base}/api/auth/register`,
      method: 'POST',
      headers: json,
      requests: [{ setupRequest: (req) => ({ ...req, body: uniqueUserBody() }) }],
    });
    const loginLoad = await load(`${profile}: POST /api/auth/login`, { url: `${base}/api/auth/login`, method: 'POST', headers: json, body: JSON.stringify(ADMIN), connections: 4 });
    const rss = rssMb(child);
    return [
      { ...get, ratio: get.reqPerSec / ceiling.get, rssMb: rss },
      { ...list, ratio: list.reqPerSec / ceiling.get, rssMb: rss },
      { ...post, ratio: post.reqPerSec / ceiling.argon2, rssMb: rss },
      { ...loginLoad, ratio: loginLoad.reqPerSec / ceiling.argon2, rssMb: rss },
    ];
  } finally {
    await stop(child);
  }
};

/**
 * What the edge (security headers, CORS, compression, rate limits) costs: the cached user read
 * with it on, and with EDGE_MIDDLEWARE=off, one after the other in this run.
 */
const measureEdgeCost = async (): Promise<Figure[]> => {
  const run = async (edge: 'on' | 'off'): Promise<Figure> => {
    const { port, child } = await start('src/infrastructure/server.ts', { EDGE_MIDDLEWARE: edge });
    try {
      const base = `http://127.0.0.1:${port}`;
      const json = { 'content-type': 'application/json' };
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) });
      const { accessToken, user } = ((await login.json()) as { data: { accessToken: string; user: { id: string } } }).data;
      return { ...(await load(`edge ${edge}: GET /api/users/:id (cached, bearer)`, { url: `${base}/api/users/${user.id}`, headers: { authorization: `Bearer ${accessToken}` } })), rssMb: rssMb(child) };
    } finally {
      await stop(child);
    }
  };
  const off = await run('off');
  const on = await run('on');
  return [
    { ...off, ratio: 1 },
    { ...on, ratio: on.reqPerSec / off.reqPerSec },
  ];
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
  const argon2Ceiling = await argon2VerifyRate(DURATION);
  figures.push({ ...argon2Ceiling, ratio: 1 });
  const ceiling = { get: bareGet.reqPerSec, post: barePost.reqPerSec, argon2: argon2Ceiling.reqPerSec };

  figures.push(...(await measureNexus('embedded', {}, ceiling)));
  figures.push(...(await measureEdgeCost()));

  const [mongo, redis] = await Promise.all([mongoService(), redisService()]);
  if (mongo && redis) {
    figures.push(
      ...(await measureNexus('production', { MONGO_URL: mongo.url, MONGO_DB: uniqueDbName('nexus_bench'), REDIS_URL: redis.url, REDIS_KEY_PREFIX: `bench-${process.pid}` }, ceiling)),
    );
  } else {
    process.stderr.write('production profile skipped: no MongoDB or Redis found (npm run services)\n');
  }
  const jobs = await measureJobs(redis?.url);
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
  console.table(jobs.map((j) => ({ name: j.name, 'jobs/s': j.perSecond, 'x bare BullMQ': j.ratio === undefined ? '' : j.ratio.toFixed(2) })));
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  const out = resolve(ROOT, 'bench/results/latest.json');
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, durationS: DURATION, connections: CONNECTIONS, figures, jobs }, null, 2));
  console.log(`written to ${out}`);
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
