import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { buildWorkerHttpApp } from '../adapters/http/worker-app';
import type { Config } from './config/load-config';
import { closeServer, exitIfCannotListen, HttpDrain, onShutdown } from './lifecycle';
import { startProcess } from './start-process';

const describeProfile = (config: Config): string =>
  config.profile === 'embedded'
    ? 'embedded profile: data, cache and jobs are kept in memory by this process and are lost when it exits; set MONGO_URL and REDIS_URL for the production profile'
    : 'production profile: MongoDB, Redis cache, BullMQ jobs (run `npm run worker` to process them)';

const main = async (): Promise<void> => {
  // On SIGTERM: readiness 503 and `Connection: close` first, then stop accepting and drain.
  const drain = new HttpDrain();
  const { config, logger, nexus } = await startProcess('api', drain.isDraining, (config, logger) =>
    logger.info(`Nexus API starting in the ${describeProfile(config)}`, { profile: config.profile }),
  );
  const server = exitIfCannotListen(drain.track(nexus.http!.listen(config.http.port, config.http.host)), 'the API (PORT)', logger);
  server.on('listening', () => {
    const { port } = server.address() as AddressInfo;
    logger.info(`listening on http://${config.http.host}:${port}`, { port });
  });

  // With METRICS_PORT, /metrics lives on a port of its own (open: keep that port internal).
  const metricsServer =
    config.metrics.port === undefined
      ? undefined
      : exitIfCannotListen(
          buildWorkerHttpApp({
            checks: nexus.adapters.healthChecks,
            timeoutMs: config.timeouts.healthMs,
            logger,
            metrics: nexus.adapters.metrics,
            ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}),
          }).listen(config.metrics.port, config.http.host),
          'the metrics server (METRICS_PORT)',
          logger,
        );

  onShutdown(logger, config.timeouts.shutdownMs, [
    { name: 'drain', run: () => startDraining(drain, config.timeouts.drainMs) },
    { name: 'http', run: () => drain.close() },
    { name: 'metrics', run: async () => (metricsServer ? closeServer(metricsServer) : undefined) },
    { name: 'jobs and connections', run: () => nexus.close() },
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
