import 'reflect-metadata';
import { OffPathWork } from '../application/account/off-path-work';
import { Container } from 'inversify';
import type Koa from 'koa';
import { buildHttpApp } from '../adapters/http/app';
import { Authenticate } from '../application/auth/authenticate';
import { SeedAccess } from '../application/auth/seed-access';
import { RelayOutbox, startOutboxRelay } from '../application/jobs/outbox-relay';
import type { JobHandlers, JobWorker } from '../application/ports/job-queue.port';
import type { Logger } from '../application/ports/logger.port';
import type { Metrics } from '../application/ports/metrics.port';
import { TYPES } from '../application/symbols';
import type { Config } from './config/load-config';
import { WinstonLogger } from './logger';
import { MODULES } from './modules';
import { BOARD_QUEUES, type BoardQueues } from './modules/admin.module';
import type { Resolve } from './modules/module';
import { type Adapters, bindAdapters } from './profiles/adapters';
import { embeddedProfile } from './profiles/embedded.profile';
import { productionProfile } from './profiles/production.profile';
import type { ProcessRole } from './profiles/shared';

export type { Adapters } from './profiles/adapters';
export type { ProcessRole } from './profiles/shared';

export interface NexusOptions {
  /** Where log lines go; by default winston on stdout at `LOG_LEVEL` in `LOG_FORMAT`. */
  readonly logger?: Logger;
  /** `api` serves HTTP, `worker` runs jobs, `all` both. The embedded profile always runs its own jobs. */
  readonly role?: ProcessRole;
  /** Adapters to use instead of the profile's own (a fake mailer, a fixed clock...). */
  readonly adapters?: Partial<Adapters>;
  /** For tests: change a non-adapter binding (a use case's settings) before anything is resolved. */
  readonly rebind?: (container: Container) => void;
  /** True once the process is shutting down: readiness then answers 503. */
  readonly draining?: () => boolean;
}

/** A composed Nexus process: its API (not yet listening) and its running job worker. */
export interface Nexus {
  readonly config: Config;
  readonly adapters: Adapters;
  /** The container, for tests that drive a use case directly. */
  readonly container: Container;
  /** The API, or null in a worker process. */
  readonly http: Koa | null;
  /** The job worker this process runs, or null. */
  readonly worker: JobWorker | null;
  /** Stops the worker (letting running jobs finish), then closes every connection. */
  close(): Promise<void>;
}

/** Seeding the built-in roles or the first admin failed: a configuration problem. */
export class SeedFailed extends Error {
  override readonly name = 'SeedFailed';
}

/**
 * The composition root: the profile's adapters (with the caller's in their place), every
 * module's bindings, the API's routers and the worker's handlers. Server, worker and tests all
 * start here.
 */
export const createNexus = async (config: Config, options: NexusOptions = {}): Promise<Nexus> => {
  const logger = options.logger ?? new WinstonLogger({ level: config.log.level, format: config.log.format, service: 'nexus' });
  const role = options.role ?? 'api';
  const inputs = { config, logger, role, given: options.adapters ?? {} };
  const profile = config.profile === 'production' ? await productionProfile(inputs) : embeddedProfile(inputs);
  const { adapters } = profile;

  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TYPES.Config).toConstantValue(config);
  container.bind(TYPES.Logger).toConstantValue(logger);
  bindAdapters(container, adapters);
  container.bind<BoardQueues>(BOARD_QUEUES).toConstantValue(profile.boardQueues ?? null);
  container.load(...MODULES.map((m) => m.bindings));
  options.rebind?.(container);
  const resolve: Resolve = (id) => container.get(id);
  adapters.metrics.watchQueues((queue) => adapters.jobQueue.counts(queue));

  try {
    const http = role === 'worker' ? null : await apiOf(config, adapters, resolve, logger, options.draining);
    const runsJobs = role !== 'api' || config.profile === 'embedded';
    const worker = runsJobs ? adapters.jobWorker : null;
    if (worker) await startJobs(config, adapters, worker, resolve);
    // Every process relays the account e-mails the database holds to the queue.
    const relay = startOutboxRelay(resolve(RelayOutbox), logger, config.jobs.outboxRelayMs);
    return {
      config,
      adapters,
      container,
      http,
      worker,
      close: async () => {
        // Work a request answered ahead of (a reset link's e-mail) finishes before the relay stops.
        await resolve<OffPathWork>(OffPathWork).idle();
        await relay.stop();
        await worker?.stop();
        await profile.close();
      },
    };
  } catch (err) {
    await profile.close();
    throw err;
  }
};

const apiOf = async (config: Config, adapters: Adapters, resolve: Resolve, logger: Logger, draining: (() => boolean) | undefined): Promise<Koa> => {
  await resolve(SeedAccess)
    .execute(config.auth.admin)
    .catch((err: Error) => {
      throw new SeedFailed(err.message);
    });
  return buildHttpApp({
    logger,
    options: {
      bodyLimit: config.http.bodyLimit,
      trustProxyHops: config.http.trustProxyHops,
      healthTimeoutMs: config.timeouts.healthMs,
      corsOrigins: config.http.corsOrigins,
      edge: config.http.edge,
      docs: config.http.docs,
      metricsOnMainPort: config.metrics.port === undefined,
      ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}),
      ...(draining ? { draining } : {}),
    },
    metrics: adapters.metrics,
    rateLimits: adapters.rateLimits,
    healthChecks: adapters.healthChecks,
    authenticate: resolve(Authenticate),
    routers: MODULES.flatMap((m) => (m.routes ? [m.routes(resolve, config)] : [])),
  });
};

/** Registers every module's recurring jobs (idempotent) and starts running every module's handlers. */
const startJobs = async (config: Config, adapters: Adapters, worker: JobWorker, resolve: Resolve): Promise<void> => {
  for (const schedule of MODULES.flatMap((m) => m.schedules?.(config) ?? [])) await adapters.jobQueue.upsertSchedule(schedule);
  const handlers: JobHandlers = Object.assign({}, ...MODULES.map((m) => m.jobs?.(resolve) ?? {}));
  await worker.start(timed(handlers, adapters.metrics));
};

/** Each attempt timed and counted in the metrics, whatever its outcome. */
const timed = (handlers: JobHandlers, metrics: Metrics): JobHandlers =>
  Object.fromEntries(
    Object.entries(handlers).map(([queue, handler]) => [
      queue,
      async (job: Parameters<NonNullable<JobHandlers['email']>>[0]) => {
        const started = performance.now();
        try {
          const result = await handler!(job);
          metrics.jobAttempt(job.queue, 'completed', (performance.now() - started) / 1000);
          return result;
        } catch (err) {
          metrics.jobAttempt(job.queue, 'failed', (performance.now() - started) / 1000);
          throw err;
        }
      },
    ]),
  ) as JobHandlers;
