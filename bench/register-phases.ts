// Where a registration's time goes under load: the RegisterUser use case run by N concurrent
// callers for a few seconds, on either profile, with every port it touches timed per call, and
// the event loop's delay (what synchronous work, like the zxcvbn check, costs everyone else).
//
//   node dist/bench/bench/register-phases.js [embedded|production] [concurrency] [seconds]
//
// Built by `npm run bench` (or `npm run build && npx tsc -p bench/tsconfig.json`).
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { RegisterUser } from '../src/application/auth/register-user';
import type * as Symbols from '../src/application/symbols';
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
const { loadConfig } = fromBuild<typeof LoadConfig>('infrastructure/config/load-config.js');
const { WinstonLogger } = fromBuild<typeof Logging>('infrastructure/logger.js');
const { createNexus } = fromBuild<typeof NexusModule>('infrastructure/nexus.js');
const { embeddedProfile } = fromBuild<typeof Embedded>('infrastructure/profiles/embedded.profile.js');
const { productionProfile } = fromBuild<typeof Production>('infrastructure/profiles/production.profile.js');

process.env['PATH'] = `${join(ROOT, '.tools/bin')}:${process.env['PATH'] ?? ''}`;

const [profileName = 'production', concurrencyArg = '32', secondsArg = '10'] = process.argv.slice(2);
const CONCURRENCY = Number(concurrencyArg);
const SECONDS = Number(secondsArg);

const main = async (): Promise<void> => {
  const env: Record<string, string> = { NODE_ENV: 'production', JWT_SECRET, LOG_LEVEL: 'error' };
  if (profileName === 'production') {
    const [mongo, redis] = await Promise.all([mongoService(), redisService()]);
    if (!mongo || !redis) throw new Error('no MongoDB or Redis (npm run services)');
    // e.g. BENCH_MONGO_OPTIONS=maxPoolSize=4 to try a driver setting.
    const options = process.env['BENCH_MONGO_OPTIONS'];
    Object.assign(env, { MONGO_URL: options ? `${mongo.url}${mongo.url.includes('?') ? '&' : '?'}${options}` : mongo.url, MONGO_DB: uniqueDbName('nexus_phases'), REDIS_URL: redis.url, REDIS_KEY_PREFIX: `phases-${process.pid}` });
  }
  const config = loadConfig(env);
  const logger = new WinstonLogger({ level: 'error', format: 'json', service: 'phases', silent: true });
  // The profile's own adapters, each wrapped in a timer, handed to the composition as given.
  const inputs = { config, logger, role: 'api' as const, given: {} };
  const profile = config.profile === 'production' ? await productionProfile(inputs) : embeddedProfile(inputs);
  const a = profile.adapters;
  const wrapped: Partial<Adapters> = {
    users: timed(a.users, 'users'),
    roles: timed(a.roles, 'roles'),
    passwordHasher: timed(a.passwordHasher, 'hasher'),
    passwordStrength: timed(a.passwordStrength, 'strength'),
    outbox: timed(a.outbox, 'outbox'),
    jobQueue: timed(a.jobQueue, 'queue'),
    cache: timed(a.cache, 'cache'),
  };
  const nexus = await createNexus(config, { logger, role: 'api', adapters: wrapped });
  const register = nexus.container.get<RegisterUser>(TYPES.RegisterUser);

  let n = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const run = async (until: number, keep: boolean) => {
    while (Date.now() < until) {
      const t = performance.now();
      const result = await register.execute({ name: 'Phase User', email: `phase-${process.pid}-${++n}@example.com`, password: USER_PASSWORD, age: 30 });
      if (result._tag === 'Left') throw new Error(JSON.stringify(result.left));
      if (keep) record('total', performance.now() - t);
    }
  };
  // A warm-up, then the measured run; each caller registers one user after another.
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(Date.now() + 1000, false)));
  timings.clear();
  loop.enable();
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(started + SECONDS * 1000, true)));
  loop.disable();
  const elapsed = (Date.now() - started) / 1000;

  const total = timings.get('total') ?? [];
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const rows = [...timings.entries()]
    .map(([label, xs]) => {
      const sorted = [...xs].sort((x, y) => x - y);
      return {
        call: label,
        calls: xs.length,
        'p50 ms': Math.round(pct(sorted, 0.5)),
        'p99 ms': Math.round(pct(sorted, 0.99)),
        'max ms': Math.round(sorted[sorted.length - 1] ?? 0),
        'ms per registration': Number((sum(xs) / Math.max(1, total.length)).toFixed(1)),
      };
    })
    .sort((x, y) => y['ms per registration'] - x['ms per registration']);
  console.log(`${profileName}: ${total.length} registrations in ${elapsed.toFixed(1)} s by ${CONCURRENCY} callers (${(total.length / elapsed).toFixed(1)}/s); UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}`);
  console.table(rows);
  console.log(`event loop delay: p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
  await nexus.close();
  await profile.close();
  await stopAllServices();
};

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAllServices();
  process.exit(1);
});
