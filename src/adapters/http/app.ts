import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { HealthCheck } from '../../application/ports/health-check.port';
import type { Logger } from '../../application/ports/logger.port';
import { healthRoutes } from './health/health.routes';
import { accessLog } from './middleware/access-log';
import { errorHandler } from './middleware/errors';
import { refuseOperatorKeys } from './middleware/operator-keys';
import { requestContext } from './middleware/request-context';
import { type UsersRoutesDeps, usersRoutes } from './users/users.routes';

export interface HttpOptions {
  readonly bodyLimit: string;
  readonly trustProxy: boolean;
  readonly healthTimeoutMs: number;
}

export interface HttpDeps {
  readonly logger: Logger;
  readonly options: HttpOptions;
  readonly users: UsersRoutesDeps;
  readonly healthChecks: readonly HealthCheck[];
}

/** The Koa application: middleware in the order a request meets it, then the routes. */
export const buildHttpApp = (deps: HttpDeps): Koa => {
  const app = new Koa({ proxy: deps.options.trustProxy });
  // Koa's default handler prints every error to stderr; ours logs once, with the request id.
  app.silent = true;

  const health = healthRoutes({ checks: deps.healthChecks, timeoutMs: deps.options.healthTimeoutMs, startedAt: Date.now() });
  const users = usersRoutes(deps.users);

  app.use(requestContext());
  app.use(accessLog(deps.logger));
  app.use(errorHandler(deps.logger));
  app.use(health.routes());
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: deps.options.bodyLimit, encoding: 'utf-8' }));
  app.use(refuseOperatorKeys());
  app.use(users.routes()).use(users.allowedMethods({ throw: false }));
  return app;
};
