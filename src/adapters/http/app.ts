import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import Koa from 'koa';
import type { ManageApiKeys } from '../../application/api-keys/api-keys';
import type { ListAudit } from '../../application/audit/list-audit';
import type { ManageJobs } from '../../application/jobs/manage-jobs';
import type { Authenticate } from '../../application/auth/authenticate';
import type { HealthCheck } from '../../application/ports/health-check.port';
import type { Logger } from '../../application/ports/logger.port';
import type { ManageRoles } from '../../application/roles/roles';
import { apiKeysRoutes } from './api-keys/api-keys.routes';
import { auditRoutes } from './audit/audit.routes';
import { type AuthRoutesDeps, authRoutes } from './auth/auth.routes';
import { healthRoutes } from './health/health.routes';
import { jobsRoutes } from './jobs/jobs.routes';
import { accessLog } from './middleware/access-log';
import { authenticate } from './middleware/authenticate';
import { errorHandler } from './middleware/errors';
import { refuseOperatorKeys } from './middleware/operator-keys';
import { requestContext } from './middleware/request-context';
import { rolesRoutes } from './roles/roles.routes';
import { type UsersRoutesDeps, usersRoutes } from './users/users.routes';

export interface HttpOptions {
  readonly bodyLimit: string;
  readonly trustProxy: boolean;
  readonly healthTimeoutMs: number;
}

export interface HttpDeps {
  readonly logger: Logger;
  readonly options: HttpOptions;
  readonly authenticate: Authenticate;
  readonly auth: AuthRoutesDeps;
  readonly users: UsersRoutesDeps;
  readonly roles: ManageRoles;
  readonly apiKeys: ManageApiKeys;
  readonly audit: ListAudit;
  readonly jobs: ManageJobs;
  readonly healthChecks: readonly HealthCheck[];
}

/** The Koa application: middleware in the order a request meets it, then the routes. */
export const buildHttpApp = (deps: HttpDeps): Koa => {
  const app = new Koa({ proxy: deps.options.trustProxy });
  // Koa's default handler prints every error to stderr; ours logs once, with the request id.
  app.silent = true;

  const health = healthRoutes({ checks: deps.healthChecks, timeoutMs: deps.options.healthTimeoutMs, startedAt: Date.now() });
  const routers: Router[] = [authRoutes(deps.auth), usersRoutes(deps.users), rolesRoutes(deps.roles), apiKeysRoutes(deps.apiKeys), auditRoutes(deps.audit), jobsRoutes(deps.jobs)];

  app.use(requestContext());
  app.use(accessLog(deps.logger));
  app.use(errorHandler(deps.logger));
  app.use(health.routes());
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: deps.options.bodyLimit, encoding: 'utf-8' }));
  app.use(refuseOperatorKeys());
  app.use(authenticate(deps.authenticate));
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods({ throw: false }));
  return app;
};
