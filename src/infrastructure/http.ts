import type Koa from 'koa';
import { buildHttpApp } from '../adapters/http/app';
import { buildJobHandlers } from '../adapters/worker/job-handlers';
import type { SendEmail } from '../application/jobs/send-email';
import type { HealthCheck } from '../application/ports/health-check.port';
import type { JobHandlers } from '../application/ports/job-queue.port';
import type { Logger } from '../application/ports/logger.port';
import { TYPES } from '../application/symbols';
import type { CreateUser } from '../application/users/create-user';
import type { GetUser } from '../application/users/get-user';
import type { UpdateUser } from '../application/users/update-user';
import type { Runtime } from './container/container';

/** Builds the Koa app from the container: use cases are looked up once, here, at start-up. */
export const createHttpApp = ({ container, config }: Runtime): Koa => {
  const c = container;
  return buildHttpApp({
    logger: c.get<Logger>(TYPES.Logger),
    options: { bodyLimit: config.http.bodyLimit, trustProxy: config.http.trustProxy, healthTimeoutMs: config.timeouts.healthMs },
    users: {
      createUser: c.get<CreateUser>(TYPES.CreateUser),
      getUser: c.get<GetUser>(TYPES.GetUser),
      updateUser: c.get<UpdateUser>(TYPES.UpdateUser),
    },
    healthChecks: c.get<HealthCheck[]>(TYPES.HealthChecks),
  });
};

export const createJobHandlers = ({ container }: Runtime): JobHandlers =>
  buildJobHandlers({ sendEmail: container.get<SendEmail>(TYPES.SendEmail) });
