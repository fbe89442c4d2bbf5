import Koa from 'koa';
import type { HealthCheck } from '../../application/ports/health-check.port';
import type { Logger } from '../../application/ports/logger.port';
import { healthRoutes } from './health/health.routes';
import { type MetricsSource, metricsRoutes } from './metrics.routes';

/** The worker's own small HTTP face: liveness, readiness of its dependencies, and its metrics. */
export const buildWorkerHttpApp = (deps: { checks: readonly HealthCheck[]; timeoutMs: number; metrics: MetricsSource; metricsToken?: string; logger?: Logger }): Koa => {
  const app = new Koa();
  app.silent = true;
  const health = healthRoutes({ checks: deps.checks, timeoutMs: deps.timeoutMs, startedAt: Date.now(), ...(deps.logger ? { logger: deps.logger } : {}) });
  const metrics = metricsRoutes(deps.metrics, deps.metricsToken ? { token: deps.metricsToken } : { open: true });
  app.use(health.routes()).use(metrics.routes());
  return app;
};
