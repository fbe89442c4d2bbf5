// npm run bench: the compiled build under load, each figure a ratio to a ceiling measured in the
// same run, on the same machine, with the same load. `npm run bench -- --profile` also writes a
// CPU profile per route and prints where the time goes. See README "Performance".
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import argon2 from 'argon2';
import { BSON, type Document, MongoClient } from 'mongodb';
import { OWASP_ARGON2ID } from '../src/adapters/security/argon2-password-hasher';
import { MongoDatabase } from '../src/adapters/mongo/mongo-database';
import { MongoUserRepository } from '../src/adapters/mongo/mongo-user-repository';
import { freePort, mongoService, redisService, stopAllServices, uniqueDbName, waitForPort } from '../test/support/services';
import { ADMIN, benchServerEnv, productionNodeFlags, ROOT, SEEDED_USERS, USER_PASSWORD } from './fixtures';
import { measureJobs } from './jobs';
import { measureScale } from './scale';
import { cut, nowUs, readProfile, summarise, type Window, writeProfile } from './profile';
import { seedDatabase } from './seed';

// The services' finder looks for .tools/bin next to its own file; compiled, that is elsewhere.
process.env['PATH'] = `${join(ROOT, '.tools/bin')}:${process.env['PATH'] ?? ''}`;

const args = new Set(process.argv.slice(2));
const PROFILE = args.has('--profile');
/** `--only=ceilings,embedded,production,jobs,scale`: a shorter run of some sections (see also --routes). */
const ONLY = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (section: string): boolean => !ONLY || ONLY.includes(section);
/** `--routes=register,login`: only the runs whose name contains one of these (ceilings included). */
const ROUTES = [...args].find((a) => a.startsWith('--routes='))?.slice('--routes='.length).split(',');
const DURATION = Number(process.env['BENCH_DURATION'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const RESULTS = resolve(ROOT, 'bench/results');
const PROFILES = join(RESULTS, 'profiles');
/** Compiled by `npm run bench` (tsconfig.build.json, then bench/tsconfig.json). */
const NEXUS_SERVER = join(ROOT, 'dist/infrastructure/server.js');
const BENCH_BUILD = join(ROOT, 'dist/bench/bench');

interface Figure {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** This figure over its reference's (`ref`), both from this run. */
  ratio?: number;
  ref?: string;
  rssMb?: number;
}

interface Server {
  readonly name: string;
  readonly base: string;
  readonly child: ChildProcess;
  readonly windows: Window[];
  /** Highest RSS seen while a load ran against it. */
  peakRssMb: number;
}

const figures: Figure[] = [];
const notes: { name: string; value: string | number }[] = [];
const profileSummaries: Record<string, ReturnType<typeof summarise>> = {};

const passThrough = (names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.flatMap((n) => (process.env[n] === undefined ? [] : [[n, process.env[n]!]])));

const serverEnv = (env: Record<string, string>): NodeJS.ProcessEnv =>
  benchServerEnv({
    // Settings to compare runs with (libuv's pool, glibc's allocator, V8 flags via BENCH_NODE_OPTIONS).
    ...passThrough(['UV_THREADPOOL_SIZE', 'MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_']),
    ...(process.env['BENCH_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_NODE_OPTIONS'] } : {}),
    ...env,
  });

const start = async (name: string, entry: string, env: Record<string, string> = {}): Promise<Server> => {
  const port = await freePort();
  const nodeArgs = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${slug(name)}.raw.cpuprofile`] : [];
  // Every server with `npm run start:prod`'s Node flags (fixtures.ts: productionNodeFlags).
  const child = spawn(process.execPath, [...productionNodeFlags(), ...nodeArgs, entry], { cwd: ROOT, env: serverEnv({ ...env, PORT: String(port) }), stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 120_000, child);
  return { name, base: `http://127.0.0.1:${port}`, child, windows: [], peakRssMb: 0 };
};

const stop = async (server: Server): Promise<void> => {
  const { child } = server;
  if (child.exitCode === null) {
    await new Promise<void>((res) => {
      child.once('exit', () => res());
      child.kill('SIGTERM');
    });
  }
  if (PROFILE) reportProfiles(server);
};

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const rssMb = (child: ChildProcess): number => {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
};

/**
 * One route under load: a warm-up, then DURATION seconds measured (and profiled). Routes that
 * spend an argon2 hash (`heavy`) warm up with a fixed number of requests, all answered before
 * the measured run starts, and are given time afterwards for the requests autocannon leaves in
 * flight: requests still queued in the server would otherwise lengthen the next run's latencies.
 */
const load = async (server: Server, name: string, options: autocannon.Options, heavy = false): Promise<Figure> => {
  if (ROUTES && !ROUTES.some((r) => name.includes(r))) return { name, reqPerSec: 0, p50Ms: 0, p99Ms: 0, errors: 0 };
  const connections = options.connections ?? CONNECTIONS;
  // A run given an `amount` (slow routes) warms up with one request per connection and then
  // runs until every request is answered, so none is left behind to slow the next run.
  const warmUp = options.amount !== undefined ? { amount: connections } : heavy ? { amount: 2 * connections } : { duration: 1 };
  await autocannon({ connections, ...options, ...warmUp });
  const sampler = setInterval(() => (server.peakRssMb = Math.max(server.peakRssMb, rssMb(server.child))), 200);
  const fromUs = nowUs();
  const r = await autocannon({ connections, duration: DURATION, ...options });
  server.windows.push({ name, fromUs, toUs: nowUs() });
  clearInterval(sampler);
  server.peakRssMb = Math.max(server.peakRssMb, rssMb(server.child));
  if (heavy) await new Promise((res) => setTimeout(res, 2000));
  // Successful answers only: a refusal (429, 503) is not throughput.
  const figure: Figure = { name, reqPerSec: perSecond(r['2xx'] / r.duration), p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.non2xx + r.errors + r.timeouts };
  figures.push(figure);
  process.stderr.write(`  ${name}: ${figure.reqPerSec} req/s, p50 ${figure.p50Ms} ms, p99 ${figure.p99Ms} ms${figure.errors ? `, ${figure.errors} errors` : ''}\n`);
  return figure;
};

/** Whole numbers, but two decimals for the slow routes (a few requests a second). */
const perSecond = (x: number): number => (x >= 100 ? Math.round(x) : Math.round(x * 100) / 100);

const relate = (figure: Figure, ref: Figure | undefined): void => {
  if (!ref || ref.reqPerSec === 0) return;
  figure.ratio = figure.reqPerSec / ref.reqPerSec;
  figure.ref = ref.name;
};

/** Splits the server's profile into one per route and prints the top functions and the steps. */
const reportProfiles = (server: Server): void => {
  const raw = join(PROFILES, `${slug(server.name)}.raw.cpuprofile`);
  if (!existsSync(raw)) return void process.stderr.write(`  no profile was written for ${server.name}\n`);
  const profile = readProfile(raw);
  for (const window of server.windows) {
    const part = cut(profile, window);
    const file = join(PROFILES, `${slug(window.name)}.cpuprofile`);
    writeProfile(file, part);
    const summary = summarise(part);
    profileSummaries[window.name] = summary;
    console.log(`\n${window.name}: CPU busy ${Math.round(summary.busyMs)} ms of ${Math.round(summary.totalMs)} ms (profile: ${file.replace(`${ROOT}/`, '')})`);
    console.table(summary.top.map((t) => ({ 'self ms': t.selfMs, '%': t.pct, function: t.fn, where: t.where })));
    console.table(summary.steps.slice(0, 20).map((s) => ({ step: s.step, ms: s.ms, '%': s.pct })));
  }
  rmSync(raw, { force: true });
};

let unique = 0;
const uniqueUserBody = (): string => JSON.stringify({ name: 'Bench User', email: `bench-${process.pid}-${++unique}@example.com`, age: 30, password: USER_PASSWORD });
const json = { 'content-type': 'application/json' };

const signIn = async (base: string): Promise<{ token: string; adminId: string }> => {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) });
  if (!res.ok) throw new Error(`bench admin login failed: ${res.status} ${await res.text()}`);
  const { accessToken, user } = ((await res.json()) as { data: { accessToken: string; user: { id: string } } }).data;
  return { token: accessToken, adminId: user.id };
};

/** A user of the seeded collection (page 1 of the list), for the cached read. */
const someUserId = async (base: string, token: string): Promise<string> => {
  const res = await fetch(`${base}/api/users?page=1&limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const id = ((await res.json()) as { data: { items: { id: string }[] } }).data.items[0]?.id;
  if (!id) throw new Error('the list is empty');
  return id;
};

// ---------------------------------------------------------------------------------------------
// Ceilings

interface Ceilings {
  router?: Figure;
  argon2?: Figure;
}

const measureCeilings = async (): Promise<Ceilings> => {
  const ceilings: Ceilings = {};
  for (const [label, entry, path] of [
    ['ceiling: bare node:http hello', 'servers/http.js', '/'],
    ['ceiling: Koa hello', 'servers/koa.js', '/'],
    ['ceiling: Koa + @koa/router GET /api/users/:id', 'servers/koa-router.js', '/api/users/6b0cffd059a9b604bb7adf04'],
  ] as const) {
    const server = await start(label, join(BENCH_BUILD, entry));
    try {
      const figure = await load(server, label, { url: `${server.base}${path}` });
      figure.rssMb = server.peakRssMb;
      if (entry === 'servers/koa-router.js') ceilings.router = figure;
    } finally {
      await stop(server);
    }
  }
  for (const f of figures) if (f.name.startsWith('ceiling:')) relate(f, ceilings.router);
  ceilings.argon2 = await argon2VerifyRate(DURATION);
  return ceilings;
};

/** The ceiling for login: argon2id verifies per second with our parameters, 4 at a time (libuv's default pool), in this process. */
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
  const figure: Figure = { name: 'ceiling: bare argon2id verify (4 at a time)', reqPerSec: Math.round(latencies.length / seconds), p50Ms: pct(0.5), p99Ms: pct(0.99), errors: 0, ratio: 1 };
  figures.push(figure);
  process.stderr.write(`  ${figure.name}: ${figure.reqPerSec}/s\n`);
  return figure;
};

// ---------------------------------------------------------------------------------------------
// Nexus

/** The cached read, login and registration; `relate` each to its ceiling. */
const measureReadAndAuth = async (server: Server, profile: string, ceilings: Ceilings): Promise<void> => {
  const { token } = await signIn(server.base);
  const id = await someUserId(server.base, token);
  relate(await load(server, `${profile}: GET /api/users/:id (cached, bearer, edge on)`, { url: `${server.base}/api/users/${id}`, headers: { authorization: `Bearer ${token}` } }), ceilings.router);
  relate(await load(server, `${profile}: POST /api/auth/login (4 connections)`, { url: `${server.base}/api/auth/login`, method: 'POST', headers: json, body: JSON.stringify(ADMIN), connections: 4 }, true), ceilings.argon2);
  relate(
    await load(server, `${profile}: POST /api/auth/register`, {
      url: `${server.base}/api/auth/register`,
      method: 'POST',
      headers: json,
      requests: [{ setupRequest: (req) => ({ ...req, body: uniqueUserBody() }) }],
      timeout: 30,
    }, true),
    ceilings.argon2,
  );
};

/** Page 1 of the seeded collection, newest first (the route's defaults). */
const measureList = async (server: Server, profile: string, ceilings: Ceilings, options: Partial<autocannon.Options> = {}): Promise<Figure> => {
  const { token } = await signIn(server.base);
  const list = await load(server, `${profile}: GET /api/users?page=1&limit=20 (${SEEDED_USERS} users)`, {
    url: `${server.base}/api/users?page=1&limit=20`,
    headers: { authorization: `Bearer ${token}` },
    ...options,
  });
  relate(list, ceilings.router);
  return list;
};

const edgeOff = async (profile: string, entry: string, env: Record<string, string>, ceilings: Ceilings): Promise<Figure> => {
  const server = await start(`${profile} edge off`, entry, { ...env, EDGE_MIDDLEWARE: 'off' });
  try {
    const { token } = await signIn(server.base);
    const id = await someUserId(server.base, token);
    const figure = await load(server, `${profile}: GET /api/users/:id (cached, bearer, edge off)`, { url: `${server.base}/api/users/${id}`, headers: { authorization: `Bearer ${token}` } });
    relate(figure, ceilings.router);
    return figure;
  } finally {
    await stop(server);
  }
};

const edgeCost = (profile: string): void => {
  const on = figures.find((f) => f.name === `${profile}: GET /api/users/:id (cached, bearer, edge on)`);
  const off = figures.find((f) => f.name === `${profile}: GET /api/users/:id (cached, bearer, edge off)`);
  if (on && off && off.reqPerSec > 0) notes.push({ name: `${profile}: edge on / edge off (cached read)`, value: (on.reqPerSec / off.reqPerSec).toFixed(2) });
  const register = figures.find((f) => f.name === `${profile}: POST /api/auth/register`);
  if (register) notes.push({ name: `${profile}: register p99 / p50`, value: (register.p99Ms / Math.max(1, register.p50Ms)).toFixed(1) });
};

const measureEmbedded = async (ceilings: Ceilings): Promise<void> => {
  // The compiled server as `npm run start:prod` runs it: idle a second after it listens, then
  // the cached read, login and registration, with its peak RSS under that load.
  const server = await start('embedded', NEXUS_SERVER);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssMb(server.child);
    notes.push({ name: 'embedded: RSS idle, compiled server (MB)', value: idle });
    process.stderr.write(`  embedded: RSS idle ${idle} MB\n`);
    await measureReadAndAuth(server, 'embedded', ceilings);
  } finally {
    await stop(server);
  }
  notes.push({ name: 'embedded: RSS peak under load (read, login, register) (MB)', value: server.peakRssMb });
  for (const f of figures) if (f.name.startsWith('embedded:')) f.rssMb = server.peakRssMb;

  // The list on SEEDED_USERS users, which live in that process' memory.
  const seeded = await start('embedded seeded', join(BENCH_BUILD, 'servers/seeded-embedded.js'));
  try {
    notes.push({ name: `embedded: RSS with ${SEEDED_USERS} users, idle (MB)`, value: rssMb(seeded.child) });
    const list = await measureList(seeded, 'embedded', ceilings);
    list.rssMb = seeded.peakRssMb;
  } finally {
    await stop(seeded);
  }
  await edgeOff('embedded', NEXUS_SERVER, {}, ceilings);
  edgeCost('embedded');
};

/**
 * What GET /api/users?page=1&limit=20 asks of the repository, in both shapes its query has had
 * (`page`, and since the lists work `from: {page}` with `withTotal`): it reads the fields it knows.
 */
const PAGE_ONE = { page: 1, from: { page: 1 }, withTotal: true, limit: 20, sortBy: 'createdAt', sortOrder: 'desc' } as const;

/** The commands the repository sends for page 1, captured with the driver's command monitoring. */
const listCommands = async (url: string, dbName: string): Promise<Document[]> => {
  const database = await MongoDatabase.connect({ url: `${url}${url.includes('?') ? '&' : '?'}monitorCommands=true`, dbName });
  const commands: Document[] = [];
  const keep = new Set(['find', 'aggregate', 'count', 'distinct']);
  database.client.on('commandStarted', (e) => {
    if (!keep.has(e.commandName)) return;
    const { lsid: _lsid, $db: _db, $clusterTime: _ct, $readPreference: _rp, txnNumber: _t, ...command } = e.command as Document;
    commands.push(command);
  });
  try {
    await new MongoUserRepository(database).list(PAGE_ONE as never);
  } finally {
    await database.client.close();
  }
  if (commands.length === 0) throw new Error('captured no list commands (is monitorCommands honoured?)');
  return commands;
};

/**
 * Each page of the seeded collection costs FerretDB a scan and a sort of all of it (a second
 * or more on this machine): a fixed number of requests, two at a time, all of them answered.
 */
const SLOW_LIST = { connections: 2, amount: Number(process.env['BENCH_SLOW_REQUESTS'] ?? 12), timeout: 120 };

const measureProduction = async (ceilings: Ceilings, mongoUrl: string, redisUrl: string): Promise<void> => {
  const dbName = uniqueDbName('nexus_bench');
  // BENCH_MONGO_OPTIONS (e.g. maxPoolSize=4) adds driver options to the server's MONGO_URL.
  const options = process.env['BENCH_MONGO_OPTIONS'];
  const env = { MONGO_URL: options ? `${mongoUrl}${mongoUrl.includes('?') ? '&' : '?'}${options}` : mongoUrl, MONGO_DB: dbName, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench-${process.pid}` };
  const server = await start('production', NEXUS_SERVER, env);
  let list: Figure;
  try {
    // Before the seed: FerretDB answers every query but by _id with a scan (its SQLite backend
    // pushes no other filter down), so on 10,000 users each e-mail lookup of a login or a
    // registration would cost it ~0.4 s and measure FerretDB, not Nexus. Real MongoDB uses the
    // unique e-mail index.
    await measureReadAndAuth(server, 'production', ceilings);
    await edgeOff('production', NEXUS_SERVER, env, ceilings);
    await measureL1(ceilings, env);
    const t = performance.now();
    await seedDatabase(mongoUrl, dbName, SEEDED_USERS, await argon2.hash(USER_PASSWORD, OWASP_ARGON2ID));
    process.stderr.write(`  production: ${SEEDED_USERS} users seeded in ${Math.round(performance.now() - t)} ms\n`);
    list = await measureList(server, 'production', ceilings, SLOW_LIST);
  } finally {
    await stop(server);
  }
  for (const f of figures) if (f.name.startsWith('production:')) f.rssMb = server.peakRssMb;

  // The same queries with the bare driver, on the same server and data.
  const commands = await listCommands(mongoUrl, dbName);
  notes.push({ name: 'production list: commands per page', value: commands.map((c) => Object.keys(c)[0]).join(' + ') });
  const bare = await start('bare driver list', join(BENCH_BUILD, 'servers/bare-driver-list.js'), {
    MONGO_URL: mongoUrl,
    MONGO_DB: dbName,
    BENCH_LIST_COMMANDS: BSON.EJSON.stringify(commands, { relaxed: false }),
  });
  try {
    const reference = await load(bare, 'reference: bare driver, the same list commands (Koa + router)', { url: `${bare.base}/api/users`, ...SLOW_LIST });
    relate(reference, ceilings.router);
    notes.push({ name: 'production list / bare driver', value: reference.reqPerSec > 0 ? (list.reqPerSec / reference.reqPerSec).toFixed(2) : 'n/a' });
  } finally {
    await stop(bare);
  }
  edgeCost('production');
  const client = await MongoClient.connect(mongoUrl);
  await client.db(dbName).dropDatabase().catch(() => undefined);
  await client.close();
};

// ---------------------------------------------------------------------------------------------
// The edge, step by step (`--only=steps`), and the first-level cache on and off

const EDGE_STEPS = ['none', 'request-context', 'access-log', 'helmet', 'cors', 'compression', 'rate-limit', 'all'] as const;

const STEP_ROUNDS = Number(process.env['BENCH_STEP_ROUNDS'] ?? 7);
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Two servers under the same load in turns (A B A B ..., one second each, STEP_ROUNDS rounds): the
 * median of the round-by-round ratios B / A. The neighbours' load on a shared machine swings on
 * a scale of seconds; both sides of a round see nearly the same.
 */
const alternate = async (a: Server, b: Server, options: (s: Server) => autocannon.Options): Promise<{ ratio: number; a: number; b: number }> => {
  const run = async (s: Server): Promise<number> => {
    const r = await autocannon({ connections: CONNECTIONS, ...options(s), duration: 1 });
    return r['2xx'] / r.duration;
  };
  await run(a);
  await run(b);
  const xs: number[] = [];
  const ys: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < STEP_ROUNDS; i++) {
    const x = await run(a);
    const y = await run(b);
    xs.push(x);
    ys.push(y);
    ratios.push(y / Math.max(1, x));
  }
  return { ratio: median(ratios), a: Math.round(median(xs)), b: Math.round(median(ys)) };
};

/**
 * Each edge step alone in front of the ceiling's route (bench/servers/edge-step.ts), in turns
 * with the same server without it: `step / none` is what the step leaves of the throughput of a
 * request that does nothing else (1.00: free). Also the server CPU per request of one plain run.
 */
const measureEdgeSteps = async (): Promise<void> => {
  const entry = join(BENCH_BUILD, 'servers/edge-step.js');
  const url = (s: Server) => ({ url: `${s.base}/api/users/6b0cffd059a9b604bb7adf04` });
  const none = await start('edge step none', entry, { BENCH_STEP: 'none' });
  try {
    for (const step of EDGE_STEPS.filter((x) => x !== 'none')) {
      const server = await start(`edge step ${step}`, entry, { BENCH_STEP: step });
      try {
        const { ratio, a, b } = await alternate(none, server, url);
        notes.push({ name: `edge step ${step}: req/s with / without it, median of ${STEP_ROUNDS} alternating rounds`, value: `${ratio.toFixed(2)} (${b} / ${a})` });
        process.stderr.write(`  edge step ${step}: ${ratio.toFixed(2)} x none (${b} / ${a} req/s)\n`);
      } finally {
        await stop(server);
      }
    }
  } finally {
    await stop(none);
  }
};

/** The production cached read with the in-process first level on (default) and off (CACHE_L1_TTL_MS=0), in turns. */
const measureL1 = async (ceilings: Ceilings, env: Record<string, string>): Promise<void> => {
  const on = await start('production L1 on', NEXUS_SERVER, { ...env, CACHE_L1_TTL_MS: '1000' });
  const off = await start('production L1 off', NEXUS_SERVER, { ...env, CACHE_L1_TTL_MS: '0' });
  try {
    const { token } = await signIn(on.base);
    const id = await someUserId(on.base, token);
    const read = (s: Server) => ({ url: `${s.base}/api/users/${id}`, headers: { authorization: `Bearer ${token}` } });
    const { ratio, a, b } = await alternate(off, on, read);
    notes.push({ name: `production cached read: L1 on / L1 off, median of ${STEP_ROUNDS} alternating rounds`, value: `${ratio.toFixed(2)} (${b} / ${a} req/s)` });
    const router = ceilings.router?.reqPerSec;
    if (router) notes.push({ name: 'production cached read, L1 on / L1 off: x Koa + router (its run)', value: `${(b / router).toFixed(2)} / ${(a / router).toFixed(2)}` });
  } finally {
    await stop(on);
    await stop(off);
  }
};

// ---------------------------------------------------------------------------------------------
// Interleaved: `--only=interleaved`. On a loaded machine a ceiling measured once, minutes before
// the route, says little: here each round runs the ceiling and the route back to back (A B A B
// ...), and the ratio quoted is the median of the rounds' ratios. `BENCH_COMPARE=<path to another
// build's dist/infrastructure/server.js>` adds that build as a third side of every round (before
// and after a change, in one run).

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const COMPARE = process.env['BENCH_COMPARE'];

interface Sample {
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

const middle = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const sampleHttp = async (options: autocannon.Options): Promise<Sample> => {
  const r = await autocannon({ duration: DURATION, ...options });
  // Requests left in flight (argon2 queues) must not slow the next side.
  await new Promise((res) => setTimeout(res, 1000));
  return { rate: r['2xx'] / r.duration, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.non2xx + r.errors + r.timeouts };
};

const sampleArgon2 = async (): Promise<Sample> => {
  const hash = await argon2.hash(ADMIN.password, OWASP_ARGON2ID);
  const latencies: number[] = [];
  const deadline = Date.now() + DURATION * 1000;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < deadline) {
        const t = performance.now();
        await argon2.verify(hash, ADMIN.password);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / DURATION, p50Ms: latencies[Math.floor(latencies.length / 2)] ?? 0, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0, errors: 0 };
};

/** Runs every side once per round, in turn; prints and records each side's medians and its median ratio to the first side. */
const interleave = async (title: string, sides: { name: string; run: () => Promise<Sample> }[]): Promise<void> => {
  const samples = sides.map(() => [] as Sample[]);
  for (let r = 0; r < ROUNDS; r++) {
    // Each round starts with the next side, so no side always follows the same one.
    for (let k = 0; k < sides.length; k++) {
      const i = (r + k) % sides.length;
      const side = sides[i]!;
      const sample = await side.run();
      samples[i]!.push(sample);
      process.stderr.write(`  ${title}, round ${r + 1}: ${side.name}: ${sample.rate.toFixed(1)}/s, p50 ${Math.round(sample.p50Ms)} ms, p99 ${Math.round(sample.p99Ms)} ms${sample.errors ? `, ${sample.errors} errors` : ''}\n`);
    }
  }
  for (const [i, side] of sides.entries()) {
    const mine = samples[i]!;
    const ratio = middle(mine.map((x, r) => x.rate / Math.max(1e-9, samples[0]![r]!.rate)));
    const tail = middle(mine.map((x) => x.p99Ms / Math.max(1, x.p50Ms)));
    const figure: Figure = { name: `${title}: ${side.name}`, reqPerSec: perSecond(middle(mine.map((x) => x.rate))), p50Ms: Math.round(middle(mine.map((x) => x.p50Ms))), p99Ms: Math.round(middle(mine.map((x) => x.p99Ms))), errors: mine.reduce((a, x) => a + x.errors, 0) };
    if (i > 0) {
      figure.ratio = ratio;
      figure.ref = sides[0]!.name;
    }
    figures.push(figure);
    notes.push({ name: `${title}: ${side.name}: p99 / p50 (median of rounds)`, value: tail.toFixed(1) });
  }
};

const measureInterleaved = async (mongoUrl: string | undefined, redisUrl: string | undefined): Promise<void> => {
  const builds = [{ label: 'this build', entry: NEXUS_SERVER }, ...(COMPARE ? [{ label: 'compared build', entry: COMPARE }] : [])];
  const profiles: { profile: string; env: () => Record<string, string> }[] = [{ profile: 'embedded', env: () => ({}) }];
  if (mongoUrl && redisUrl) {
    profiles.push({ profile: 'production', env: () => ({ MONGO_URL: mongoUrl, MONGO_DB: uniqueDbName('nexus_bench'), REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench-${process.pid}-${++unique}` }) });
  }
  // BENCH_PROFILES=embedded (or production): one profile only.
  const only = process.env['BENCH_PROFILES']?.split(',');
  for (const { profile, env } of profiles.filter((p) => !only || only.includes(p.profile))) {
    const servers: Server[] = [];
    try {
      for (const build of builds) servers.push(await start(`${profile} ${build.label}`, build.entry, env()));
      const login = (server: Server) => () => sampleHttp({ url: `${server.base}/api/auth/login`, method: 'POST', headers: json, body: JSON.stringify(ADMIN), connections: 4 });
      for (const server of servers) await sampleHttp({ url: `${server.base}/api/auth/login`, method: 'POST', headers: json, body: JSON.stringify(ADMIN), connections: 4, duration: 1 });
      await interleave(`${profile}: POST /api/auth/login (4 connections)`, [
        { name: 'bare argon2id verify (4 at a time)', run: sampleArgon2 },
        ...servers.map((server, i) => ({ name: `Nexus, ${builds[i]!.label}`, run: login(server) })),
      ]);
      if (profile === 'production') {
        const register = (server: Server) => () =>
          sampleHttp({ url: `${server.base}/api/auth/register`, method: 'POST', headers: json, requests: [{ setupRequest: (req) => ({ ...req, body: uniqueUserBody() }) }], timeout: 30 });
        await interleave(`${profile}: POST /api/auth/register`, servers.map((server, i) => ({ name: `Nexus, ${builds[i]!.label}`, run: register(server) })));
      }
    } finally {
      for (const server of servers) await stop(server);
    }
  }
};

// ---------------------------------------------------------------------------------------------

const main = async (): Promise<void> => {
  for (const file of [NEXUS_SERVER, join(BENCH_BUILD, 'servers/koa-router.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run the bench with \`npm run bench\`, which builds first`);
  }
  mkdirSync(RESULTS, { recursive: true });
  if (PROFILE) {
    rmSync(PROFILES, { recursive: true, force: true });
    mkdirSync(PROFILES, { recursive: true });
  }
  process.stderr.write(`bench: ${DURATION} s per route after 1 s of warm-up, ${CONNECTIONS} connections, ${availableParallelism()} cores, Node ${process.version}${PROFILE ? ', profiling' : ''}\n`);

  const ceilings = !ONLY || ['ceilings', 'embedded', 'production'].some((section) => ONLY.includes(section)) ? await measureCeilings() : {};
  if (wanted('embedded')) await measureEmbedded(ceilings);
  if (wanted('steps')) await measureEdgeSteps();
  const needsServices = wanted('production') || wanted('jobs') || wanted('scale') || wanted('interleaved');
  const [mongo, redis] = needsServices ? await Promise.all([mongoService(), redisService()]) : [null, null];
  if (wanted('production')) {
    if (mongo && redis) await measureProduction(ceilings, mongo.url, redis.url);
    else process.stderr.write('production profile skipped: no MongoDB or Redis found (npm run services)\n');
  }
  const jobs = wanted('jobs') ? await measureJobs(redis?.url) : [];
  const scale = wanted('scale') ? await measureScale(mongo?.url, redis?.url) : [];
  // Only when asked for by name: it repeats what the other sections measure once.
  if (ONLY?.includes('interleaved')) await measureInterleaved(mongo?.url, redis?.url);
  await stopAllServices();

  console.log();
  console.table(
    figures.map((f) => ({
      run: f.name,
      'req/s': f.reqPerSec,
      'p50 ms': f.p50Ms,
      'p99 ms': f.p99Ms,
      ratio: f.ratio === undefined ? '' : f.ratio.toFixed(2),
      'x of': f.ref === undefined ? '' : f.ref.replace(/^ceiling: /, '').replace(/ (GET|\().*$/, ''),
      'RSS MB': f.rssMb ?? '',
      errors: f.errors,
    })),
  );
  if (notes.length > 0) console.table(notes.map((n) => ({ figure: n.name, value: n.value })));
  if (scale.length > 0) console.table(scale.map((s) => ({ run: s.name, 'per s': s.perSecond, 'per CPU s': s.perCpuSecond, 'p50 ms': s.p50Ms ?? '', 'p99 ms': s.p99Ms ?? '' })));
  if (jobs.length > 0) console.table(jobs.map((j) => ({ run: j.name, 'jobs/s': j.perSecond, ratio: j.ratio === undefined ? '' : j.ratio.toFixed(2), 'x of': j.ref ?? '' })));
  const out = join(RESULTS, 'latest.json');
  writeFileSync(
    out,
    JSON.stringify(
      { at: new Date().toISOString(), node: process.version, cores: availableParallelism(), durationS: DURATION, connections: CONNECTIONS, seededUsers: SEEDED_USERS, figures, notes, jobs, scale, profiles: PROFILE ? profileSummaries : undefined },
      null,
      2,
    ),
  );
  console.log(`written to ${out.replace(`${ROOT}/`, '')}${PROFILE ? `; profiles in ${PROFILES.replace(`${ROOT}/`, '')} (${readdirSync(PROFILES).length} files)` : ''}`);
};

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAllServices();
  process.exit(1);
});
