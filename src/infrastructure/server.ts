import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { buildWorkerHttpApp } from '../adapters/http/worker-app';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics';
import type { HealthCheck } from '../application/ports/health-check.port';
import type { JobWorker } from '../application/ports/job-queue.port';
import { TYPES } from '../application/symbols';
import { buildContainer } from './container/container';
import { ConfigError, type Config, loadConfig } from './config/load-config';
import { createHttpApp, createJobHandlers, registerSchedules, seedAccess } from './http';
import { closeServer, EXIT_CONFIG, EXIT_UNAVAILABLE, failStartup, HttpDrain, onShutdown } from './lifecycle';
import { WinstonLogger } from './logger';

const describeProfile = (config: Config): string =>
  config.profile === 'embedded'
    ? 'embedded profile: data, cache and jobs are kept in memory by this process and are lost when it exits; set MONGO_URL and REDIS_URL for the production profile'
    : 'production profile: MongoDB, Redis cache, BullMQ jobs (run `npm run worker` to process them)';

const main = async (): Promise<void> => {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return failStartup(undefined, err.message, EXIT_CONFIG);
    throw err;
  }
  const logger = new WinstonLogger({ level: config.log.level, format: config.log.format, service: 'nexus-api' });
  logger.info(`Nexus API starting in the ${describeProfile(config)}`, { profile: config.profile });

  const runtime = await buildContainer(config, { logger, role: 'api' }).catch((err: Error) =>
    failStartup(logger, `start-up failed: ${err.message}`, EXIT_UNAVAILABLE),
  );

  await seedAccess(runtime).catch((err: Error) => failStartup(logger, `start-up failed: ${err.message}`, EXIT_CONFIG));

  // The embedded profile has no separate worker: the API runs its own jobs.
  const worker = config.profile === 'embedded' ? runtime.container.get<JobWorker>(TYPES.JobWorker) : undefined;
  if (worker) {
    await registerSchedules(runtime);
    await worker.start(createJobHandlers(runtime));
  }

  // On SIGTERM: readiness 503 and `Connection: close` first, then stop accepting and drain.
  const drain = new HttpDrain();
  const app = createHttpApp(runtime, { draining: drain.isDraining });
  const server = drain.track(app.listen(config.http.port, config.http.host));
  server.on('error', (err) => failStartup(logger, `cannot listen on ${config.http.host}:${config.http.port}: ${err.message}`, EXIT_UNAVAILABLE));
  server.on('listening', () => {
    const { port } = server.address() as AddressInfo;
    logger.info(`listening on http://${config.http.host}:${port}`, { port });
  });

  // With METRICS_PORT, /metrics lives on a port of its own (open: keep that port internal).
  const metricsServer =
    config.metrics.port === undefined
      ? undefined
      : buildWorkerHttpApp({
          checks: runtime.container.get<HealthCheck[]>(TYPES.HealthChecks),
          timeoutMs: config.timeouts.healthMs,
          logger,
          metrics: runtime.container.get<PrometheusMetrics>(TYPES.Metrics),
          ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}),
        }).listen(config.metrics.port, config.http.host);

  onShutdown(logger, config.timeouts.shutdownMs, [
    { name: 'drain', run: () => startDraining(drain, config.timeouts.drainMs) },
    { name: 'http', run: () => drain.close() },
    { name: 'metrics', run: async () => (metricsServer ? closeServer(metricsServer) : undefined) },
    { name: 'jobs', run: async () => worker?.stop() },
    { name: 'connections', run: () => runtime.close() },
  ]);
};

/** Readiness fails and keep-alive clients are told to reconnect; a balancer gets `drainMs` to notice. */
const startDraining = async (drain: HttpDrain, drainMs: number): Promise<void> => {
  drain.start();
  if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
};

main().catch((err: unknown) => {
  if (err instanceof Error && err.name === 'StartupFailed') return;
  process.stderr.write(`fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
