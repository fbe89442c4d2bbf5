import type { Server } from 'node:http';
import supertest from 'supertest';
import type { Logger } from '../../src/application/ports/logger.port';
import type { JobWorker } from '../../src/application/ports/job-queue.port';
import { TYPES } from '../../src/application/symbols';
import { loadConfig, type Profile } from '../../src/infrastructure/config/load-config';
import { buildContainer, type Runtime } from '../../src/infrastructure/container/container';
import { createHttpApp, createJobHandlers } from '../../src/infrastructure/http';
import { silentLogger } from './logger';
import { requireService, uniqueDbName } from './services';
import { SmtpCapture } from './smtp-capture';

export interface TestApp {
  readonly profile: Profile;
  readonly runtime: Runtime;
  readonly http: supertest.Agent;
  readonly smtp: SmtpCapture;
  close(): Promise<void>;
}

export const PROFILES: readonly Profile[] = ['embedded', 'production'];

let n = 0;

/**
 * The real app on a real port, with its job worker running and mail going to a local SMTP
 * server. `production` uses the MongoDB and Redis the harness found (or skips / fails).
 */
export const startTestApp = async (
  ctx: Mocha.Context,
  profile: Profile,
  env: Record<string, string> = {},
  logger: Logger = silentLogger(),
): Promise<TestApp> => {
  const services: Record<string, string> = {};
  if (profile === 'production') {
    services['MONGO_URL'] = await requireService(ctx, 'mongodb');
    services['REDIS_URL'] = await requireService(ctx, 'redis');
    services['MONGO_DB'] = uniqueDbName('nexus_e2e');
    services['QUEUE_PREFIX'] = `e2e-${process.pid}-${++n}`;
  }
  const smtp = await SmtpCapture.start();
  const config = loadConfig({ NODE_ENV: 'test', SMTP_URL: smtp.url, ...services, ...env });
  const runtime = await buildContainer(config, { logger, role: 'worker' });
  const worker = runtime.container.get<JobWorker>(TYPES.JobWorker);
  await worker.start(createJobHandlers(runtime));
  const server: Server = createHttpApp(runtime).listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    profile,
    runtime,
    http: supertest.agent(server),
    smtp,
    close: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await worker.stop();
      await runtime.close();
      await smtp.stop();
    },
  };
};
