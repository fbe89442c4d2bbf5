import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import Koa from 'koa';
import type { Authenticate } from '../../application/auth/authenticate';
import type { HealthCheck } from '../../application/ports/health-check.port';
import type { Logger } from '../../application/ports/logger.port';
import { healthRoutes } from './health/health.routes';
import type { Metrics } from '../../application/ports/metrics.port';
import { type MetricsSource, metricsRoutes } from './metrics.routes';
import { accessLog } from './middleware/access-log';
import { compression, corsFor, securityHeaders } from './middleware/edge';
import { type RateLimits, rateLimit } from './middleware/rate-limit';
import { authenticate } from './middleware/authenticate';
import { errorHandler } from './middleware/errors';
import { refuseOperatorKeys } from './middleware/operator-keys';
import { requestContext } from './middleware/request-context';

export interface HttpOptions {
  readonly bodyLimit: string;
  readonly trustProxy: boolean;
  readonly healthTimeoutMs: number;
  readonly corsOrigins: readonly string[];
  /** Security headers, CORS, compression and rate limits; off only to measure their cost. */
  readonly edge: boolean;
  /** Serve /metrics here (false when it has a port of its own). */
  readonly metricsOnMainPort: boolean;
  readonly metricsToken?: string;
}

export interface HttpDeps {
  readonly logger: Logger;
  readonly options: HttpOptions;
  readonly authenticate: Authenticate;
  /** Every module's routes, mounted in order after authentication. */
  readonly routers: readonly Router[];
  readonly healthChecks: readonly HealthCheck[];
  readonly metrics: Metrics & MetricsSource;
  readonly rateLimits: RateLimits;
}

/** The Koa application: middleware in the order a request meets it, then the routes. */
export const buildHttpApp = (deps: HttpDeps): Koa => {
  const app = new Koa({ proxy: deps.options.trustProxy });
  // Koa's default handler prints every error to stderr; ours logs once, with the request id.
  app.silent = true;

  const health = healthRoutes({ checks: deps.healthChecks, timeoutMs: deps.options.healthTimeoutMs, startedAt: Date.now() });

  const { edge, metricsOnMainPort, metricsToken } = deps.options;
  const metrics = metricsRoutes(deps.metrics, metricsToken ? { token: metricsToken } : {});

  app.use(requestContext());
  app.use(accessLog(deps.logger, deps.metrics));
  app.use(errorHandler(deps.logger));
  if (edge) {
    app.use(securityHeaders());
    app.use(corsFor(deps.options.corsOrigins));
    app.use(compression());
  }
  app.use(health.routes());
  // A scraper's metrics token is not a user's credential: it is checked before authentication.
  if (metricsOnMainPort && metricsToken) app.use(metrics.routes());
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: deps.options.bodyLimit, encoding: 'utf-8' }));
  if (edge) app.use(rateLimit(deps.rateLimits));
  app.use(refuseOperatorKeys());
  app.use(authenticate(deps.authenticate));
  if (metricsOnMainPort && !metricsToken) app.use(metrics.routes());
  for (const router of deps.routers) app.use(router.routes()).use(router.allowedMethods({ throw: false }));
  return app;
};
