// Capacity figures the scale-out model (bench/capacity.ts) needs that the other sections lack:
// e-mail jobs per second through one real worker process (`dist/infrastructure/worker.js`, the
// production profile, at its default concurrency and at 20) to a local SMTP sink, with the CPU the worker
// spent on them; and the update route (PATCH /api/users/:id: a versioned write, its audit entry
// and the cache invalidation) on one production API process. `npm run bench -- --only=scale`.
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { BullmqJobQueue } from '../src/adapters/bullmq/bullmq-job-queue';
import { connectRedis } from '../src/adapters/redis/redis-connection';
import { WinstonLogger } from '../src/infrastructure/logger';
import { freePort, uniqueDbName, waitForPort } from '../test/support/services';
import { ADMIN, benchServerEnv, productionNodeFlags, ROOT, USER_PASSWORD } from './fixtures';

export interface ScaleFigure {
  readonly name: string;
  /** Jobs or requests per second (wall clock). */
  readonly perSecond: number;
  /** The same work per second of CPU the measured process spent (user + system): a per-core figure. */
  readonly perCpuSecond: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly errors?: number;
}

const EMAILS = Number(process.env['BENCH_EMAILS'] ?? 2000);
const WARM_UP = 100;
const CONNECTIONS = 8;
const DURATION = Number(process.env['BENCH_DURATION'] ?? 5);
const logger = new WinstonLogger({ level: 'error', format: 'json', service: 'bench', silent: true });

/** CPU seconds (user + system) a process has used so far, from /proc. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const spawnNexus = async (entry: string, port: number, extra: Record<string, string>): Promise<ChildProcess> => {
  // With `npm run start:prod` / `worker:prod`'s Node flags, as production runs them.
  const flags = productionNodeFlags(entry === 'worker.js' ? 'worker:prod' : 'start:prod');
  const child = spawn(process.execPath, [...flags, join(ROOT, 'dist/infrastructure', entry)], { cwd: ROOT, env: benchServerEnv(extra), stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 120_000, child);
  return child;
};

const stop = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null) return;
  await new Promise<void>((res) => {
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
};

/** An SMTP server that accepts and counts every message, and keeps none. */
const smtpSink = async (): Promise<{ port: number; received: () => number; close: () => Promise<void> }> => {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()));
  return { port, received: () => received, close: () => new Promise<void>((res) => server.close(() => res())) };
};

const until = async (done: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const round = (x: number): number => (x >= 100 ? Math.round(x) : Math.round(x * 100) / 100);

/**
 * E-mail jobs through one worker process to the sink: the queue is filled at once, the worker
 * drains it. `concurrency` undefined: the worker's default (WORKER_CONCURRENCY unset).
 */
const measureEmailWorker = async (mongoUrl: string, redisUrl: string, concurrency?: number): Promise<ScaleFigure> => {
  const sink = await smtpSink();
  const prefix = `bench-scale-${process.pid}`;
  const healthPort = await freePort();
  const worker = await spawnNexus('worker.js', healthPort, {
    MONGO_URL: mongoUrl,
    MONGO_DB: uniqueDbName('nexus_bench_worker'),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    WORKER_HEALTH_PORT: String(healthPort),
    ...(concurrency === undefined ? {} : { WORKER_CONCURRENCY: String(concurrency) }),
  });
  const redis = await connectRedis(redisUrl, { name: 'bench', logger, failFast: false, connectTimeoutMs: 5000 });
  const queue = new BullmqJobQueue(redis, prefix);
  const send = async (from: number, count: number): Promise<void> => {
    for (let i = from; i < from + count; i += 500) {
      const n = Math.min(500, from + count - i);
      await queue.enqueueBulk('email', Array.from({ length: n }, (_, k) => ({ name: 'send', data: { to: `bench-${i + k}@example.com`, subject: `Bench ${i + k}`, body: 'A message of a few hundred bytes, as a notification would be.\n'.repeat(4) } })));
    }
  };
  try {
    await send(0, WARM_UP);
    await until(() => sink.received() >= WARM_UP, 120_000, 'warm-up e-mails');
    const cpu0 = cpuSeconds(worker.pid!);
    const t0 = performance.now();
    await send(WARM_UP, EMAILS);
    await until(() => sink.received() >= WARM_UP + EMAILS, 600_000, 'e-mails');
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(worker.pid!) - cpu0;
    const figure = { name: `worker: e-mail jobs to an SMTP sink (one process, ${concurrency === undefined ? 'default concurrency' : `WORKER_CONCURRENCY=${concurrency}`})`, perSecond: round(EMAILS / seconds), perCpuSecond: round(EMAILS / cpu) };
    process.stderr.write(`  ${figure.name}: ${figure.perSecond} jobs/s, ${figure.perCpuSecond} per worker CPU second\n`);
    return figure;
  } finally {
    await stop(worker);
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
    await sink.close();
  }
};

/**
 * PATCH /api/users/:id on one production API process: the admin renames users, each connection
 * its own user (one user renamed by several at once is a version conflict, 409, by design).
 */
const measureUpdate = async (mongoUrl: string, redisUrl: string): Promise<ScaleFigure> => {
  const port = await freePort();
  const api = await spawnNexus('server.js', port, { PORT: String(port), MONGO_URL: mongoUrl, MONGO_DB: uniqueDbName('nexus_bench_update'), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench-update-${process.pid}` });
  const base = `http://127.0.0.1:${port}`;
  try {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const { accessToken } = ((await login.json()) as { data: { accessToken: string } }).data;
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const users: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const created = await fetch(`${base}/api/users`, { method: 'POST', headers, body: JSON.stringify({ name: `Bench Update ${i}`, email: `bench-update-${process.pid}-${i}@example.com`, password: USER_PASSWORD }) });
      if (!created.ok) throw new Error(`creating a user to update failed: ${created.status} ${await created.text()}`);
      users.push(((await created.json()) as { data: { id: string } }).data.id);
    }
    // One autocannon per user, one connection each, run together: a connection never races another for its user.
    let n = 0;
    const run = (duration: number) =>
      Promise.all(
        users.map((id) =>
          autocannon({ url: `${base}/api/users/${id}`, method: 'PATCH', connections: 1, duration, headers, requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ name: `Bench Update ${++n}` }) }) }] }),
        ),
      );
    await run(1);
    const cpu0 = cpuSeconds(api.pid!);
    const results = await run(DURATION);
    const cpu = cpuSeconds(api.pid!) - cpu0;
    const ok = results.reduce((sum, r) => sum + r['2xx'], 0);
    const seconds = Math.max(...results.map((r) => r.duration));
    const latencies = results.map((r) => r.latency);
    const figure = {
      name: `production: PATCH /api/users/:id (${CONNECTIONS} connections, one user each)`,
      perSecond: round(ok / seconds),
      perCpuSecond: round(ok / cpu),
      // The median of the per-connection medians, the worst of their p99s.
      p50Ms: [...latencies.map((l) => l.p50)].sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!,
      p99Ms: Math.max(...latencies.map((l) => l.p99)),
      errors: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
    };
    process.stderr.write(`  ${figure.name}: ${figure.perSecond} req/s, ${figure.perCpuSecond} per API CPU second, p50 ${figure.p50Ms} ms, p99 ${figure.p99Ms} ms${figure.errors ? `, ${figure.errors} errors` : ''}\n`);
    return figure;
  } finally {
    await stop(api);
  }
};

export const measureScale = async (mongoUrl: string | undefined, redisUrl: string | undefined): Promise<ScaleFigure[]> => {
  if (!mongoUrl || !redisUrl) {
    process.stderr.write('scale section skipped: no MongoDB or Redis found (npm run services)\n');
    return [];
  }
  // At the default concurrency and at four times it: a worker waits on SMTP round trips, so its
  // rate follows its concurrency until its CPU is busy.
  return [await measureEmailWorker(mongoUrl, redisUrl), await measureEmailWorker(mongoUrl, redisUrl, 20), await measureUpdate(mongoUrl, redisUrl)];
};
