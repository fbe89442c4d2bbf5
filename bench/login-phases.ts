// Where a login's time goes, next to what it is measured against: the Login use case run by N
// callers (4, as the HTTP bench's connections) on either profile, every port it touches timed per
// call, in rounds taken in turn with the bare argon2id verify N at a time (the same parameters, in
// this process: the HTTP bench's reference). Per side and round: logins (verifies) a second, the
// main thread's busy time (event-loop utilisation) and this process' CPU per login, and in
// production the CPU per login of the database and Redis processes this bench started.
//
//   node dist/bench/bench/login-phases.js [embedded|production] [callers] [seconds] [rounds]
//
// BENCH_COMPARE=<another checkout, built> adds its Login as a side; BENCH_HASH_CONCURRENCY=n sets
// this build's hashing pool.
//
// Built by `npm run bench` (or `npm run build && npx tsc -p bench/tsconfig.json`).
import 'reflect-metadata';
import argon2 from 'argon2';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type * as LoginModule from '../src/application/auth/login';
import type { RegisterUser } from '../src/application/auth/register-user';
import type * as Symbols from '../src/application/symbols';
import type * as Hashing from '../src/adapters/security/argon2-password-hasher';
import type * as LoadConfig from '../src/infrastructure/config/load-config';
import type * as Logging from '../src/infrastructure/logger';
import type * as NexusModule from '../src/infrastructure/nexus';
import type { Adapters } from '../src/infrastructure/nexus';
import type * as Embedded from '../src/infrastructure/profiles/embedded.profile';
import type * as Production from '../src/infrastructure/profiles/production.profile';
import { mongoService, redisService, stopAllServices, uniqueDbName } from '../test/support/services';
import { fromBuild, JWT_SECRET, ROOT, USER_PASSWORD } from './fixtures';
import { pct, record, timed, timings } from './port-timings';

// The application build (dist/), as the server runs it.
const { TYPES } = fromBuild<typeof Symbols>('application/symbols.js');
const { Login } = fromBuild<typeof LoginModule>('application/auth/login.js');
const { Argon2PasswordHasher, OWASP_ARGON2ID } = fromBuild<typeof Hashing>('adapters/security/argon2-password-hasher.js');
const { loadConfig } = fromBuild<typeof LoadConfig>('infrastructure/config/load-config.js');
const { WinstonLogger } = fromBuild<typeof Logging>('infrastructure/logger.js');
const { createNexus } = fromBuild<typeof NexusModule>('infrastructure/nexus.js');
const { embeddedProfile } = fromBuild<typeof Embedded>('infrastructure/profiles/embedded.profile.js');
const { productionProfile } = fromBuild<typeof Production>('infrastructure/profiles/production.profile.js');

process.env['PATH'] = `${join(ROOT, '.tools/bin')}:${process.env['PATH'] ?? ''}`;

const [profileName = 'production', callersArg = '4', secondsArg = '5', roundsArg = '3'] = process.argv.slice(2);
const CALLERS = Number(callersArg);
const SECONDS = Number(secondsArg);
const ROUNDS = Number(roundsArg);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** CPU seconds (user + system) of a process, from /proc. */
const cpuOf = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};

/** The services this bench started (its child processes: redis-server, ferretdb). */
const servicePids = (): { pid: number; name: string }[] => {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => line.trim().split(/\s+/))
      .filter(([, name]) => name !== 'ps')
      .map(([pid, name]) => ({ pid: Number(pid), name: name ?? '?' }));
  } catch {
    return [];
  }
};

/**
 * Verifies in flight (queued in the pool or hashing), integrated over time: the time-weighted
 * mean of `min(in flight, cores)` says whether the cores had a hash to run all along, or sat idle
 * while every login was elsewhere (reading the account, writing its session).
 */
const inFlight = { now: 0, since: performance.now(), busyCoreMs: 0 };
const CORES = availableParallelism();
const account = () => {
  const t = performance.now();
  inFlight.busyCoreMs += Math.min(inFlight.now, CORES) * (t - inFlight.since);
  inFlight.since = t;
};
const counted = <T extends { verify(hash: string, password: string): Promise<boolean> }>(hasher: T): T =>
  new Proxy(hasher, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (prop !== 'verify' || typeof value !== 'function') return value;
      return (hash: string, password: string) => {
        account();
        inFlight.now += 1;
        return (value as T['verify']).call(obj, hash, password).finally(() => {
          account();
          inFlight.now -= 1;
        });
      };
    },
  });

interface Sample {
  /** Mean number of cores that had a verify to run (in flight, at most one per core). */
  readonly coresFed: number;
  readonly rate: number;
  /** Median time of one call (a login, a verify). */
  readonly p50Ms: number;
  readonly mainMsPer: number;
  readonly cpuMsPer: number;
  readonly servicesMsPer: Record<string, number>;
}

/** Runs `once` on CALLERS callers for SECONDS, measuring what each completed call cost. */
const sample = async (once: () => Promise<void>): Promise<Sample> => {
  const services = servicePids();
  account();
  const fedBefore = inFlight.busyCoreMs;
  const before = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage(), services: services.map((s) => cpuOf(s.pid)) };
  let done = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await once();
        latencies.push(performance.now() - t);
        done += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  account();
  const coresFed = (inFlight.busyCoreMs - fedBefore) / (elapsed * 1000);
  const elu = performance.eventLoopUtilization(before.elu);
  const cpu = process.cpuUsage(before.cpu);
  const servicesMsPer = Object.fromEntries(services.map((s, i) => [s.name, ((cpuOf(s.pid) - before.services[i]!) * 1000) / Math.max(1, done)]));
  return { coresFed, rate: done / elapsed, p50Ms: median(latencies), mainMsPer: elu.active / Math.max(1, done), cpuMsPer: (cpu.user + cpu.system) / 1000 / Math.max(1, done), servicesMsPer };
};

/** Another checkout's build (BENCH_COMPARE): a registered user and its Login, the hasher counted like ours. */
const comparedLogin = async (checkout: string, env: Record<string, string>): Promise<{ once: () => Promise<void>; close: () => Promise<void> }> => {
  const from = <T>(path: string): T =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path into another build
    require(join(checkout, 'dist', path)) as T;
  const config = from<typeof LoadConfig>('infrastructure/config/load-config.js').loadConfig(env);
  const logger = new (from<typeof Logging>('infrastructure/logger.js').WinstonLogger)({ level: 'error', format: 'json', service: 'phases', silent: true });
  const hasher = new (from<typeof Hashing>('adapters/security/argon2-password-hasher.js').Argon2PasswordHasher)();
  const nexus = await from<typeof NexusModule>('infrastructure/nexus.js').createNexus(config, { logger, role: 'api', adapters: { passwordHasher: counted(hasher) } });
  const types = from<typeof Symbols>('application/symbols.js').TYPES;
  const email = `login-phase-compared-${process.pid}@example.com`;
  const registered = await nexus.container.get<RegisterUser>(types.RegisterUser).execute({ name: 'Phase User', email, password: USER_PASSWORD, age: 30 });
  if (registered._tag === 'Left') throw new Error(JSON.stringify(registered.left));
  const login = nexus.container.get(from<typeof LoginModule>('application/auth/login.js').Login);
  return {
    once: async () => {
      const result = await login.execute(email, USER_PASSWORD, { userAgent: 'login-phases', ip: '127.0.0.1' });
      if (result._tag === 'Left') throw new Error(JSON.stringify(result.left));
    },
    close: () => nexus.close(),
  };
};

const main = async (): Promise<void> => {
  const env: Record<string, string> = { NODE_ENV: 'production', JWT_SECRET, LOG_LEVEL: 'error' };
  if (profileName === 'production') {
    const [mongo, redis] = await Promise.all([mongoService(), redisService()]);
    if (!mongo || !redis) throw new Error('no MongoDB or Redis (npm run services)');
    const options = process.env['BENCH_MONGO_OPTIONS'];
    Object.assign(env, { MONGO_URL: options ? `${mongo.url}${mongo.url.includes('?') ? '&' : '?'}${options}` : mongo.url, MONGO_DB: uniqueDbName('nexus_login_phases'), REDIS_URL: redis.url, REDIS_KEY_PREFIX: `login-phases-${process.pid}` });
  }
  const config = loadConfig(env);
  const logger = new WinstonLogger({ level: 'error', format: 'json', service: 'phases', silent: true });
  const inputs = { config, logger, role: 'api' as const, given: {} };
  const profile = config.profile === 'production' ? await productionProfile(inputs) : embeddedProfile(inputs);
  const a = profile.adapters;
  // BENCH_HASH_CONCURRENCY=n: the hashing pool at n at once instead of its default.
  const concurrency = Number(process.env['BENCH_HASH_CONCURRENCY'] ?? 0);
  const hasher = concurrency > 0 ? new Argon2PasswordHasher({ concurrency }) : a.passwordHasher;
  const wrapped: Partial<Adapters> = {
    users: timed(a.users, 'users'),
    passwordHasher: timed(counted(hasher), 'hasher'),
    refreshTokens: timed(a.refreshTokens, 'refreshTokens'),
    auditLog: timed(a.auditLog, 'audit'),
    loginLocks: timed(a.loginLocks, 'loginLocks'),
    cache: timed(a.cache, 'cache'),
    mfa: timed(a.mfa, 'mfa'),
    accessTokens: timed(a.accessTokens, 'accessTokens'),
  };
  const nexus = await createNexus(config, { logger, role: 'api', adapters: wrapped });
  const email = `login-phase-${process.pid}@example.com`;
  const registered = await nexus.container.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Phase User', email, password: USER_PASSWORD, age: 30 });
  if (registered._tag === 'Left') throw new Error(JSON.stringify(registered.left));
  const login = nexus.container.get(Login);
  const hash = await argon2.hash(USER_PASSWORD, OWASP_ARGON2ID);

  // BENCH_COMPARE=<another checkout, built>: its Login on its own database and key prefix, as
  // one more side of every round (before and after a change, in one run).
  const compare = process.env['BENCH_COMPARE'];
  const compared = compare ? await comparedLogin(compare, { ...env, ...(env['MONGO_DB'] ? { MONGO_DB: `${env['MONGO_DB']}_compared`, REDIS_KEY_PREFIX: `${env['REDIS_KEY_PREFIX']}-compared` } : {}) }) : undefined;

  const bare = counted(argon2);
  let measuring = false;
  const sides: Record<string, () => Promise<void>> = {
    [`bare argon2id verify (${CALLERS} at a time)`]: async () => {
      if (!(await bare.verify(hash, USER_PASSWORD))) throw new Error('verify failed');
    },
    'Login.execute': async () => {
      const t = performance.now();
      const result = await login.execute(email, USER_PASSWORD, { userAgent: 'login-phases', ip: '127.0.0.1' });
      if (result._tag === 'Left') throw new Error(JSON.stringify(result.left));
      if (measuring) record('total', performance.now() - t);
    },
    ...(compared ? { 'Login.execute, compared build': compared.once } : {}),
  };
  const names = Object.keys(sides);
  // Warm-up: a second of each.
  for (const run of Object.values(sides)) {
    const until = Date.now() + 1000;
    await Promise.all(Array.from({ length: CALLERS }, async () => {
      while (Date.now() < until) await run();
    }));
  }
  timings.clear();
  measuring = true;
  const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      const s = await sample(sides[name]!);
      samples.get(name)!.push(s);
      const svc = Object.entries(s.servicesMsPer).map(([n, ms]) => `${n} ${ms.toFixed(2)}`).join(', ');
      process.stderr.write(`  round ${r + 1}: ${name}: ${s.rate.toFixed(1)}/s, p50 ${s.p50Ms.toFixed(1)} ms, cores fed ${s.coresFed.toFixed(2)} of ${CORES}, main thread ${s.mainMsPer.toFixed(2)} ms, process CPU ${s.cpuMsPer.toFixed(1)} ms per call${svc ? `; services ms per call: ${svc}` : ''}\n`);
    }
  }
  const [ref, ours, before] = names.map((n) => samples.get(n)!) as [Sample[], Sample[], Sample[] | undefined];
  if (before) {
    console.log(`this build / compared build: ${median(ours.map((s, i) => s.rate / before[i]!.rate)).toFixed(2)} logins a second (median of the rounds' ratios); login p50 ${median(ours.map((s) => s.p50Ms)).toFixed(1)} / ${median(before.map((s) => s.p50Ms)).toFixed(1)} ms; cores with a verify to run ${median(ours.map((s) => s.coresFed)).toFixed(2)} / ${median(before.map((s) => s.coresFed)).toFixed(2)}; compared build / bare verify ${median(before.map((s, i) => s.rate / ref[i]!.rate)).toFixed(2)}`);
  }
  const ratio = median(ours.map((s, i) => s.rate / ref[i]!.rate));
  console.log(`${profileName}: ${CALLERS} callers, ${ROUNDS} rounds of ${SECONDS} s; hashing pool ${concurrency || 'default'}; UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`Login.execute / bare verify: ${ratio.toFixed(2)} (median of the rounds' ratios); ${median(ours.map((s) => s.rate)).toFixed(1)} / ${median(ref.map((s) => s.rate)).toFixed(1)} per s`);
  console.log(`cores with a verify to run: ${median(ours.map((s) => s.coresFed)).toFixed(2)} of ${CORES} (the bare verify: ${median(ref.map((s) => s.coresFed)).toFixed(2)})`);
  console.log(`per login: main thread ${median(ours.map((s) => s.mainMsPer)).toFixed(2)} ms, process CPU ${median(ours.map((s) => s.cpuMsPer)).toFixed(1)} ms (a bare verify: ${median(ref.map((s) => s.cpuMsPer)).toFixed(1)} ms)`);
  const total = timings.get('total') ?? [];
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const rows = [...timings.entries()]
    .map(([label, xs]) => {
      const sorted = [...xs].sort((x, y) => x - y);
      return {
        call: label,
        calls: xs.length,
        'p50 ms': Number(pct(sorted, 0.5).toFixed(2)),
        'p99 ms': Number(pct(sorted, 0.99).toFixed(2)),
        'ms per login': Number((sum(xs) / Math.max(1, total.length)).toFixed(2)),
      };
    })
    .sort((x, y) => y['ms per login'] - x['ms per login']);
  console.table(rows);
  await nexus.close();
  await profile.close();
  await compared?.close();
  await stopAllServices();
};

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAllServices();
  process.exit(1);
});
