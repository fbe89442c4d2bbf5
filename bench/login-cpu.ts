// The CPU an HTTP login costs, by process and by thread: the compiled server started as
// `npm run start:prod` starts it, POST /api/auth/login by N connections for a few seconds, and
// per login the CPU of the server's main thread, of its other threads (argon2 on libuv's pool,
// V8's helpers; by name where Node names its threads, as Node 22+ does), of the services this
// bench started (FerretDB, Redis) and of this process (autocannon). On a machine whose cores
// the reference (a bare argon2id verify) has to itself, these are what a login pays beyond it.
//
//   node dist/bench/bench/login-cpu.js [embedded|production] [connections=4] [seconds=5] [server entry]
//
// Built by `npm run bench` (or `npm run build && npx tsc -p bench/tsconfig.json`).
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, mongoService, redisService, stopAllServices, uniqueDbName, waitForPort } from '../test/support/services';
import { ADMIN, benchServerEnv, productionNodeFlags, ROOT } from './fixtures';

process.env['PATH'] = `${join(ROOT, '.tools/bin')}:${process.env['PATH'] ?? ''}`;

const [profile = 'embedded', connections = '4', seconds = '5', entry = join(ROOT, 'dist/infrastructure/server.js')] = process.argv.slice(2);

/** CPU milliseconds (user + system) of a process or thread, from its /proc stat. */
const cpuMs = (stat: string): number => {
  try {
    const fields = readFileSync(stat, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
};
const threadsOf = (pid: number): Map<string, { name: string; ms: number }> =>
  new Map(
    readdirSync(`/proc/${pid}/task`).map((tid) => {
      let name = '?';
      try {
        name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      } catch {
        // the thread ended
      }
      return [tid, { name, ms: cpuMs(`/proc/${pid}/task/${tid}/stat`) }];
    }),
  );
/** This process' children but the server: the services it started. */
const servicesBesides = (server: number): { pid: number; name: string }[] =>
  execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, name]) => ({ pid: Number(pid), name: name ?? '?' }))
    .filter((s) => s.pid !== server && s.name !== 'ps');

const main = async (): Promise<void> => {
  const env: Record<string, string> = {};
  if (profile === 'production') {
    const [mongo, redis] = await Promise.all([mongoService(), redisService()]);
    if (!mongo || !redis) throw new Error('no MongoDB or Redis (npm run services)');
    Object.assign(env, { MONGO_URL: mongo.url, MONGO_DB: uniqueDbName('nexus_login_cpu'), REDIS_URL: redis.url, REDIS_KEY_PREFIX: `login-cpu-${process.pid}` });
  }
  const port = await freePort();
  const child = spawn(process.execPath, [...productionNodeFlags(), entry], { cwd: ROOT, env: benchServerEnv({ ...env, PORT: String(port) }), stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitForPort(port, 120_000, child);
    const pid = child.pid!;
    const options = { url: `http://127.0.0.1:${port}/api/auth/login`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN), connections: Number(connections) };
    await autocannon({ ...options, amount: 5 * Number(connections) });
    const services = servicesBesides(pid);
    const before = { threads: threadsOf(pid), services: services.map((s) => cpuMs(`/proc/${s.pid}/stat`)), me: process.cpuUsage() };
    const result = await autocannon({ ...options, duration: Number(seconds) });
    const after = { threads: threadsOf(pid), services: services.map((s) => cpuMs(`/proc/${s.pid}/stat`)), me: process.cpuUsage(before.me) };
    const logins = Math.max(1, result['2xx']);
    const byName = new Map<string, number>();
    for (const [tid, { name, ms }] of after.threads) {
      const label = tid === String(pid) ? 'server main thread' : `server thread ${name}`;
      byName.set(label, (byName.get(label) ?? 0) + (ms - (before.threads.get(tid)?.ms ?? 0)) / logins);
    }
    services.forEach((s, i) => byName.set(s.name, (after.services[i]! - before.services[i]!) / logins));
    byName.set('this process (autocannon)', (after.me.user + after.me.system) / 1000 / logins);
    console.log(`${profile}, ${connections} connections, ${seconds} s: ${(result['2xx'] / result.duration).toFixed(1)} logins/s, p50 ${result.latency.p50} ms, ${result.non2xx + result.errors} errors; Node ${process.version}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    console.table([...byName].filter(([, ms]) => ms >= 0.005).map(([who, ms]) => ({ 'CPU per login': who, ms: Number(ms.toFixed(2)) })));
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await stopAllServices();
  }
};

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAllServices();
  process.exit(1);
});
