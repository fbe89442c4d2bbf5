import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { buildWorkerHttpApp } from '../adapters/http/worker-app';
import { closeServer, EXIT_CONFIG, exitIfCannotListen, failStartup, onShutdown } from './lifecycle';
import { startProcess } from './start-process';

const main = async (): Promise<void> => {
  const { config, logger, nexus } = await startProcess('worker', undefined, (config, logger) => {
    if (config.profile === 'embedded') {
      failStartup(logger, 'the worker needs the production profile (MONGO_URL and REDIS_URL); in the embedded profile `npm start` runs jobs itself', EXIT_CONFIG);
    }
    logger.info('Nexus worker starting in the production profile', { concurrency: config.jobs.concurrency });
  });
  const http = exitIfCannotListen(
    buildWorkerHttpApp({
      checks: nexus.adapters.healthChecks,
      timeoutMs: config.timeouts.healthMs,
      logger,
      metrics: nexus.adapters.metrics,
      ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}),
    }).listen(config.workerHealthPort, config.http.host),
    'the worker health server (WORKER_HEALTH_PORT)',
    logger,
  );
  http.on('listening', () => logger.info('worker ready', { healthPort: (http.address() as AddressInfo).port }));

  onShutdown(logger, config.timeouts.shutdownMs, [
    { name: 'health', run: () => closeServer(http) },
    { name: 'jobs and connections', run: () => nexus.close() },
  ]);
};

main().catch((err: unknown) => {
  if (err instanceof Error && err.name === 'StartupFailed') return;
  process.stderr.write(`fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
