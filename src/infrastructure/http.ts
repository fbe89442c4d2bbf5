import type Koa from 'koa';
import { randomBytes } from 'node:crypto';
import { buildHttpApp } from '../adapters/http/app';
import type { RateLimits } from '../adapters/http/middleware/rate-limit';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics';
import { buildJobHandlers } from '../adapters/worker/job-handlers';
import { ManageApiKeys } from '../application/api-keys/api-keys';
import { ListAudit } from '../application/audit/list-audit';
import { Authenticate } from '../application/auth/authenticate';
import { ChangePassword } from '../application/auth/change-password';
import { Login } from '../application/auth/login';
import { Logout, RefreshSession } from '../application/auth/refresh-session';
import type { RegisterUser } from '../application/auth/register-user';
import { SeedAccess } from '../application/auth/seed-access';
import { ManageJobs } from '../application/jobs/manage-jobs';
import { ProcessData, SendEmail, WeeklyReport } from '../application/jobs/processors';
import type { JobQueue } from '../application/ports/job-queue.port';
import type { HealthCheck } from '../application/ports/health-check.port';
import type { JobHandlers } from '../application/ports/job-queue.port';
import type { Logger } from '../application/ports/logger.port';
import type { RoleRepository } from '../application/ports/role-repository.port';
import type { SecretTokens } from '../application/ports/security.port';
import { AssignRoles } from '../application/roles/assign-roles';
import { ManageRoles } from '../application/roles/roles';
import { TYPES } from '../application/symbols';
import { GetUser } from '../application/users/get-user';
import { ManageUsers } from '../application/users/manage-users';
import type { Runtime } from './container/container';

/** Builds the Koa app from the container: use cases are looked up once, here, at start-up. */
export const createHttpApp = ({ container: c, config }: Runtime, lifecycle: { draining?: () => boolean } = {}): Koa =>
  buildHttpApp({
    logger: c.get<Logger>(TYPES.Logger),
    options: {
      bodyLimit: config.http.bodyLimit,
      trustProxyHops: config.http.trustProxyHops,
      healthTimeoutMs: config.timeouts.healthMs,
      corsOrigins: config.http.corsOrigins,
      edge: config.http.edge,
      metricsOnMainPort: config.metrics.port === undefined,
      ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}),
      ...(lifecycle.draining ? { draining: lifecycle.draining } : {}),
    },
    metrics: c.get<PrometheusMetrics>(TYPES.Metrics),
    rateLimits: c.get<RateLimits>(TYPES.RateLimits),
    authenticate: c.get(Authenticate),
    auth: {
      register: c.get<RegisterUser>(TYPES.RegisterUser),
      login: c.get(Login),
      refresh: c.get(RefreshSession),
      logout: c.get(Logout),
      changePassword: c.get(ChangePassword),
      getUser: c.get(GetUser),
      roles: c.get<RoleRepository>(TYPES.RoleRepository),
      secrets: c.get<SecretTokens>(TYPES.SecretTokens),
      secureCookies: config.env === 'production',
      // Without JWT_SECRET (never in production) CSRF tokens, like access tokens, die with the process.
      csrfSecret: config.auth.jwtSecret ?? randomBytes(32).toString('base64url'),
    },
    users: { users: c.get(ManageUsers), assignRoles: c.get(AssignRoles) },
    roles: c.get(ManageRoles),
    apiKeys: c.get(ManageApiKeys),
    audit: c.get(ListAudit),
    jobs: c.get(ManageJobs),
    healthChecks: c.get<HealthCheck[]>(TYPES.HealthChecks),
  });

/** Seeds the built-in roles and, when configured, the first admin (idempotent). */
export const seedAccess = ({ container, config }: Runtime): Promise<void> => container.get(SeedAccess).execute(config.auth.admin);

/** The processors of every queue, each attempt timed and counted in the metrics. */
export const createJobHandlers = ({ container }: Runtime): JobHandlers => {
  const metrics = container.get<PrometheusMetrics>(TYPES.Metrics);
  const handlers = buildJobHandlers({ sendEmail: container.get(SendEmail), processData: container.get(ProcessData), weeklyReport: container.get(WeeklyReport) });
  return Object.fromEntries(
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
};

/** Registers the recurring jobs (idempotent: run by every worker at start-up). */
export const registerSchedules = async ({ container, config }: Runtime): Promise<void> => {
  await container.get<JobQueue>(TYPES.JobQueue).upsertSchedule({
    id: 'weekly-report',
    queue: 'reports',
    name: 'weekly-report',
    pattern: config.jobs.reportCron,
    timeZone: config.jobs.reportTimeZone,
    data: {},
  });
};
