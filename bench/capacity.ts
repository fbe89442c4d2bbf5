// The capacity model of the README's "Scaling out": how many API processes, workers and cores a
// workload needs, computed from the figures of the last `npm run bench` (bench/results/latest.json)
// so that it is refreshed with them. `npx tsx bench/capacity.ts [path/to/latest.json]`, or after
// `npm run bench`: `node dist/bench/bench/capacity.js`. The workload is set by the environment:
// CAPACITY_LOGINS_PER_HOUR (10000), CAPACITY_EMAILS_PER_DAY (1000000), CAPACITY_PEAK (10: the
// busiest minute against the average), CAPACITY_HEADROOM (0.6: the share of a core planned for).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './fixtures';

interface Figure {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}
interface JobFigure {
  readonly name: string;
  readonly perSecond: number;
}
interface ScaleFigure {
  readonly name: string;
  readonly perSecond: number;
  readonly perCpuSecond: number;
}
interface Results {
  readonly at: string;
  readonly cores: number;
  readonly node: string;
  readonly figures: readonly Figure[];
  readonly jobs?: readonly JobFigure[];
  readonly scale?: readonly ScaleFigure[];
}

const path = process.argv[2] ?? join(ROOT, 'bench/results/latest.json');
if (!existsSync(path)) {
  console.error(`${path} is missing: run \`npm run bench\` first (or name a results file)`);
  process.exit(1);
}
const results = JSON.parse(readFileSync(path, 'utf8')) as Results;
const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const LOGINS_PER_HOUR = num('CAPACITY_LOGINS_PER_HOUR', 10_000);
const EMAILS_PER_DAY = num('CAPACITY_EMAILS_PER_DAY', 1_000_000);
const PEAK = num('CAPACITY_PEAK', 10);
const HEADROOM = num('CAPACITY_HEADROOM', 0.6);

/** The first figure whose name starts so, and that answered (a run whose every request timed out counts as not measured). */
const figure = (name: string): Figure | undefined => results.figures.find((f) => f.name.startsWith(name) && f.reqPerSec > 0);
const job = (prefix: string): JobFigure | undefined => results.jobs?.find((j) => j.name.startsWith(prefix));
const scale = (prefix: string): ScaleFigure | undefined => results.scale?.find((s) => s.name.startsWith(prefix));
const r = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? 'not measured' : x.toFixed(digits));

const cores = results.cores;
const argon2 = figure('ceiling: bare argon2id verify (4 at a time)');
const router = figure('ceiling: Koa + @koa/router');
const login = figure('production: POST /api/auth/login') ?? figure('embedded: POST /api/auth/login');
const register = figure('production: POST /api/auth/register') ?? figure('embedded: POST /api/auth/register');
const read = figure('production: GET /api/users/:id (cached, bearer, edge on)') ?? figure('embedded: GET /api/users/:id (cached, bearer, edge on)');
const listProduction = figure('production: GET /api/users?page=1&limit=20');
const listEmbedded = figure('embedded: GET /api/users?page=1&limit=20');
const update = scale('production: PATCH /api/users/:id');
const email = scale('worker: e-mail jobs to an SMTP sink (one process, default');
const email20 = scale('worker: e-mail jobs to an SMTP sink (one process, WORKER_CONCURRENCY=20');
const addOne = job('Nexus BullmqJobQueue: add (one at a time)');
const process10 = job('Nexus BullmqJobQueue: process, concurrency 10');

// Argon2 runs on libuv's pool: a login or a registration uses every core the pool reaches, so its
// per-core rate is the process' rate over the cores. The other routes are one event loop: one
// process is one core (the bench's client shares the machine, so these are floors).
const perCore = {
  login: login ? login.reqPerSec / cores : undefined,
  register: register ? register.reqPerSec / cores : undefined,
  argon2: argon2 ? argon2.reqPerSec / cores : undefined,
  read: read?.reqPerSec,
  update: update?.perCpuSecond,
  list: listProduction?.reqPerSec,
};

const profileOf = (f: Figure | undefined): string => (f ? f.name.split(':')[0]! : '');
const ratio = (f: Figure | undefined, ref: Figure | undefined): string => (f && ref ? `${(f.reqPerSec / ref.reqPerSec).toPrecision(2)} x ${ref.name.replace(/^ceiling: /, '')}` : '');
const rows: [string, string, string, string, string][] = [
  [`cached read (GET /api/users/:id), ${profileOf(read)}`, r(read?.reqPerSec), r(perCore.read), ratio(read, router), 'one event loop: one process is one core'],
  ['update (PATCH /api/users/:id), production', r(update?.perSecond, 1), r(perCore.update), '', 'per API CPU second; the wall rate is the database writes\' (FerretDB here)'],
  ['list (page of 20, 10,000 users), production', r(listProduction?.reqPerSec, 2), r(perCore.list, 2), ratio(listProduction, router), `FerretDB scans and sorts: measures it, not Nexus (embedded: ${r(listEmbedded?.reqPerSec)} req/s)`],
  [`login, ${profileOf(login)}`, r(login?.reqPerSec, 1), r(perCore.login, 1), ratio(login, argon2), `argon2 on libuv's pool over ${cores} cores (bare verify: ${r(perCore.argon2, 1)} per core)`],
  [`register, ${profileOf(register)}`, r(register?.reqPerSec, 1), r(perCore.register, 1), ratio(register, argon2), 'argon2, zxcvbn on the event loop, 5 writes'],
];

console.log(`Capacity model from ${path.replace(`${ROOT}/`, '')} (${results.at}, ${cores} cores, Node ${results.node})\n`);
console.log('| route | req/s, one process | per core | of the ceiling, same run | what bounds it |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

console.log('\n| jobs | per second | per worker CPU second |');
console.log('|---|---|---|');
console.log(`| e-mail jobs through one worker process to an SMTP sink, default concurrency (5) | ${r(email?.perSecond, 1)} | ${r(email?.perCpuSecond)} |`);
console.log(`| the same, WORKER_CONCURRENCY=20 | ${r(email20?.perSecond, 1)} | ${r(email20?.perCpuSecond)} |`);
console.log(`| BullMQ adapter: add one at a time (API side) | ${r(addOne?.perSecond)} | |`);
console.log(`| BullMQ adapter: process no-op jobs, concurrency 10 | ${r(process10?.perSecond)} | |`);

// The workload, at its peak, against the planned share of a core.
const loginsPeak = (LOGINS_PER_HOUR / 3600) * PEAK;
const emailsPeak = (EMAILS_PER_DAY / 86_400) * PEAK;
const loginCores = perCore.login ? loginsPeak / (perCore.login * HEADROOM) : undefined;
// A worker's rate is the lower of its CPU bound and what its concurrency gets through the SMTP
// server's latency; the measured wall rate (a local sink) stands for the latter.
const emailPerWorker = email ? Math.min(email.perSecond, email.perCpuSecond) : undefined;
const workers = emailPerWorker ? emailsPeak / (emailPerWorker * HEADROOM) : undefined;
const emailCores = email ? emailsPeak / (email.perCpuSecond * HEADROOM) : undefined;

console.log(`\nWorkload: ${LOGINS_PER_HOUR} logins an hour and ${EMAILS_PER_DAY} e-mails a day, a peak ${PEAK} x the average, ${Math.round(HEADROOM * 100)}% of each core planned for.\n`);
console.log('| need | at peak | from | processes |');
console.log('|---|---|---|---|');
console.log(`| logins | ${loginsPeak.toFixed(1)}/s | ${r(perCore.login, 1)} per API core | ${r(loginCores, 2)} API cores: ${Math.max(2, Math.ceil(loginCores ?? 0))} API processes (two at least, for restarts) |`);
console.log(`| e-mails | ${emailsPeak.toFixed(1)}/s | ${r(emailPerWorker, 1)} per worker (${r(email?.perCpuSecond)} per worker CPU s) | ${r(workers, 2)} workers at the measured rate (${r(emailCores, 2)} cores of CPU): ${Math.max(2, Math.ceil(workers ?? 0))} workers |`);
