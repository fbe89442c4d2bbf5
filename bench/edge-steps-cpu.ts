// CPU per request of the cached authenticated GET /api/users/:id, over HTTP, in alternating
// rounds: the server process' own CPU time (utime + stime from /proc) over the 2xx answers it
// gave. Unlike req/s, this hardly moves with what else the machine runs (autocannon included),
// so before/after figures taken on a loaded machine still compare. Sides, each a compiled
// server started as `npm run start:prod` starts it:
//   ceiling  Koa + @koa/router answering a Nexus-sized user (bench/servers/koa-router.ts)
//   floor    Koa + @koa/router answering byte for byte what this build answers (headers and
//            body, captured from it: bench/servers/koa-router-floor.ts)
//   base     another build (CPU_BASE=<a checkout with dist/ built>), when given
//   this     this checkout's dist/
// per profile (CPU_PROFILES=embedded,production) and edge setting (CPU_EDGE=on,off).
//   npm run build && npx tsc -p bench/tsconfig.json
//   CPU_BASE=/work/wt/hotpath-base node dist/bench/bench/edge-steps-cpu.js [rounds=5] [seconds=3]
import autocannon from 'autocannon';
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, mongoService, redisService, stopAllServices, uniqueDbName, waitForPort } from '../test/support/services';
import { ADMIN, benchServerEnv, productionNodeFlags, ROOT } from './fixtures';

process.env['PATH'] = `${join(ROOT, '.tools/bin')}:${process.env['PATH'] ?? ''}`;

const ROUNDS = Number(process.argv[2] ?? 5);
const SECONDS = Number(process.argv[3] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const BASE = process.env['CPU_BASE'];
const PROFILES = (process.env['CPU_PROFILES'] ?? 'embedded').split(',');
const EDGES = (process.env['CPU_EDGE'] ?? 'on,off').split(',');
const TICK_US = 1e6 / Number(execSync('getconf CLK_TCK').toString().trim());

interface Side {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  readonly headers: Record<string, string>;
}

const cpuUs = (child: ChildProcess): number => {
  // Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th.
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
};

const start = async (entry: string, env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> => {
  const port = await freePort();
  const child = spawn(process.execPath, [...productionNodeFlags(), entry], { cwd: ROOT, env: benchServerEnv({ ...env, PORT: String(port) }), stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 120_000, child);
  return { child, base: `http://127.0.0.1:${port}` };
};

const nexus = async (name: string, checkout: string, env: Record<string, string>): Promise<Side> => {
  const { child, base } = await start(join(checkout, 'dist/infrastructure/server.js'), env);
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (!res.ok) throw new Error(`${name}: login ${res.status}`);
  const { accessToken, user } = ((await res.json()) as { data: { accessToken: string; user: { id: string } } }).data;
  return { name, child, url: `${base}/api/users/${user.id}`, headers: { authorization: `Bearer ${accessToken}` } };
};

/** What `side` answers, as the floor server replays it (the headers Node or Koa write themselves left out). */
const captured = async (side: Side): Promise<string> => {
  const res = await fetch(side.url, { headers: side.headers });
  const skip = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'transfer-encoding']);
  const headers = [...res.headers.entries()].filter(([name]) => !skip.has(name));
  return JSON.stringify({ headers, body: await res.text() });
};

interface Sample {
  readonly rate: number;
  readonly usPerRequest: number;
}

const sample = async (side: Side, seconds: number): Promise<Sample> => {
  const before = cpuUs(side.child);
  const r = await autocannon({ url: side.url, headers: side.headers, connections: CONNECTIONS, duration: seconds });
  const used = cpuUs(side.child) - before;
  if (r.non2xx + r.errors > 0) throw new Error(`${side.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rate: r['2xx'] / r.duration, usPerRequest: used / Math.max(1, r['2xx']) };
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const compare = async (title: string, sides: Side[]): Promise<void> => {
  for (const side of sides) await sample(side, 1);
  const samples = sides.map(() => [] as Sample[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < sides.length; k++) {
      // The start rotates, and every other round runs backwards: in a fixed cyclic order a side
      // always follows the same one, and the side after another server's run read ~10% low here
      // (a build measured against itself: 0.90).
      const j = (round + k) % sides.length;
      const i = round % 2 === 0 ? j : sides.length - 1 - j;
      samples[i]!.push(await sample(sides[i]!, SECONDS));
    }
    process.stderr.write(`  ${title}, round ${round + 1}: ${sides.map((s, i) => `${s.name} ${samples[i]!.at(-1)!.usPerRequest.toFixed(1)} us`).join(', ')}\n`);
  }
  const ref = samples[0]!;
  const base = samples[sides.findIndex((s) => s.name === 'base')];
  console.log(`\n${title} (${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections; load ${execSync('uptime').toString().trim().replace(/.*load average: /, '')})`);
  console.table(
    sides.map((side, i) => {
      const mine = samples[i]!;
      return {
        side: side.name,
        'us/request': median(mine.map((x) => x.usPerRequest)).toFixed(1),
        'req/s': Math.round(median(mine.map((x) => x.rate))),
        'x ceiling req/s': median(mine.map((x, r) => x.rate / ref[r]!.rate)).toFixed(2),
        'ceiling CPU / CPU': median(mine.map((x, r) => ref[r]!.usPerRequest / x.usPerRequest)).toFixed(2),
        'CPU / base CPU': base ? median(mine.map((x, r) => x.usPerRequest / base[r]!.usPerRequest)).toFixed(2) : '',
      };
    }),
  );
};

const main = async (): Promise<void> => {
  const ceiling = await start(join(ROOT, 'dist/bench/bench/servers/koa-router.js'), {});
  const ceilingSide: Side = { name: 'ceiling', child: ceiling.child, url: `${ceiling.base}/api/users/6b0cffd059a9b604bb7adf04`, headers: {} };
  const children: ChildProcess[] = [ceiling.child];
  try {
    for (const profile of PROFILES) {
      let env: Record<string, string> = {};
      if (profile === 'production') {
        const [mongo, redis] = await Promise.all([mongoService(), redisService()]);
        if (!mongo || !redis) throw new Error('production: no MongoDB or Redis (npm run services)');
        env = { MONGO_URL: mongo.url, REDIS_URL: redis.url };
      }
      for (const edge of EDGES) {
        const envOf = (): Record<string, string> => ({
          ...env,
          ...(profile === 'production' ? { MONGO_DB: uniqueDbName('nexus_cpu'), REDIS_KEY_PREFIX: `cpu-${process.pid}-${Math.random().toString(36).slice(2)}` } : {}),
          ...(edge === 'off' ? { EDGE_MIDDLEWARE: 'off' } : {}),
        });
        const sides: Side[] = [ceilingSide];
        const mine = await nexus('this', ROOT, envOf());
        children.push(mine.child);
        const floor = await start(join(ROOT, 'dist/bench/bench/servers/koa-router-floor.js'), { FLOOR_RESPONSE: await captured(mine) });
        children.push(floor.child);
        sides.push({ name: 'floor (our response)', child: floor.child, url: `${floor.base}/api/users/6b0cffd059a9b604bb7adf04`, headers: {} });
        if (BASE) {
          const base = await nexus('base', BASE, envOf());
          children.push(base.child);
          sides.push(base);
        }
        sides.push(mine);
        await compare(`${profile}, edge ${edge}: cached GET /api/users/:id`, sides);
        for (const side of sides.slice(1)) side.child.kill('SIGTERM');
      }
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await stopAllServices();
  }
};

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAllServices();
  process.exit(1);
});
