import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { buildWorkerHttpApp } from '../adapters/http/worker-app';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics';
import type { HealthCheck } from '../application/ports/health-check.port';
import type { JobWorker } from '../application/ports/job-queue.port';
import { TYPES } from '../application/symbols';
import { buildContainer } from './container/container';
import { ConfigError, type Config, loadConfig } from './config/load-config';
import { createJobHandlers, registerSchedules } from './http';
import { closeServer, EXIT_CONFIG, EXIT_UNAVAILABLE, failStartup, onShutdown } from './lifecycle';
import { WinstonLogger } from './logger';

const main = async (): Promise<void> => {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return failStartup(undefined, err.message, EXIT_CONFIG);
    throw err;
  }
  const logger = new WinstonLogger({ level: config.log.level, format: config.log.format, service: 'nexus-worker' });
  if (config.profile === 'embedded') {
    return failStartup(logger, 'the worker needs the production profile (MONGO_URL and REDIS_URL); in the embedded profile `npm start` runs jobs itself', EXIT_CONFIG);
  }
  logger.info('Nexus worker starting in the production profile', { concurrency: config.jobs.concurrency });

  const runtime = await buildContainer(config, { logger, role: 'worker' }).catch((err: Error) =>
    failStartup(logger, `start-up failed: ${err.message}`, EXIT_UNAVAILABLE),
  );
  const worker = runtime.container.get<JobWorker>(TYPES.JobWorker);
  await registerSchedules(runtime);
  await worker.start(createJobHandlers(runtime));
  const http = buildWorkerHttpApp({
    checks: runtime.container.get<HealthCheck[]>(TYPES.HealthChecks),
    timeoutMs: config.timeouts.healthMs,
    logger,
    metrics: runtime.container.get<PrometheusMetrics>(TYPES.Metrics),
    ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}),
  }).listen(config.workerHealthPort, config.http.host);
  http.on('listening', () => logger.info('worker ready', { healthPort: (http.address() as AddressInfo).port }));
  http.on('error', (err) => logger.error('worker health server failed', { error: err.message }));

  onShutdown(logger, config.timeouts.shutdownMs, [
    { name: 'health', run: () => closeServer(http) },
    { name: 'jobs', run: () => worker.stop() },
    { name: 'connections', run: () => runtime.close() },
  ]);
};

main().catch((err: unknown) => {
  if (err instanceof Error && err.name === 'StartupFailed') return;
  process.stderr.write(`fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
