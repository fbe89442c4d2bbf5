import type { Server } from 'node:http';
import supertest from 'supertest';
import type { Logger } from '../../src/application/ports/logger.port';
import { loadConfig, type Profile } from '../../src/infrastructure/config/load-config';
import { type Adapters, createNexus, type Nexus } from '../../src/infrastructure/nexus';
import { silentLogger } from './logger';
import { assertNoMismatches, validateResponsesOf } from './openapi-responses';
import { requireService, uniqueDbName } from './services';
import { SmtpCapture } from './smtp-capture';

export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly userId: string;
  /** `Authorization` header value for this session. */
  readonly auth: string;
}

export interface TestApp {
  readonly profile: Profile;
  readonly runtime: Nexus;
  readonly http: supertest.Agent;
  readonly smtp: SmtpCapture;
  /** `http://127.0.0.1:<port>` of the running server. */
  readonly baseUrl: string;
  /** A fresh agent (own cookie jar) on the same server. */
  agent(): supertest.Agent;
  login(email: string, password: string): Promise<Session>;
  admin(): Promise<Session>;
  /** Registers a new `user` account (unique e-mail from `tag`) and logs it in. */
  newUser(tag: string, extra?: Record<string, unknown>): Promise<Session & { email: string; password: string }>;
  close(): Promise<void>;
}

export const ADMIN_EMAIL = 'root@nexus.test';
export const ADMIN_PASSWORD = 'Root-Access-Granted-77';
export const USER_PASSWORD = 'Tangerine-Lighthouse-58!';

export const PROFILES: readonly Profile[] = ['embedded', 'production'];

let n = 0;
export const TEST_JWT_SECRET = 'c00ebbb3d980f984956aa84227c43c991ef6a47135b020c77a56cd881ff1258e';

/**
 * The real app on a real port, with its job worker running and mail going to a local SMTP
 * server. `production` uses the MongoDB and Redis the harness found (or skips / fails).
 */
export const startTestApp = async (
  ctx: Mocha.Context,
  profile: Profile,
  env: Record<string, string> = {},
  logger: Logger = silentLogger(),
  adapters: Partial<Adapters> = {},
): Promise<TestApp> => {
  const services: Record<string, string> = {};
  if (profile === 'production') {
    services['MONGO_URL'] = await requireService(ctx, 'mongodb');
    services['REDIS_URL'] = await requireService(ctx, 'redis');
    services['MONGO_DB'] = uniqueDbName('nexus_e2e');
    services['REDIS_KEY_PREFIX'] = `e2e-${process.pid}-${++n}`;
  }
  const smtp = await SmtpCapture.start();
  const config = loadConfig({
    NODE_ENV: 'test',
    SMTP_URL: smtp.url,
    JWT_SECRET: TEST_JWT_SECRET,
    NEXUS_ADMIN_EMAIL: ADMIN_EMAIL,
    NEXUS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Tests make far more requests from one address than a client would; the edge tests lower these.
    RATE_LIMIT_API_MAX: '1000000',
    RATE_LIMIT_AUTH_MAX: '1000000',
    ...services,
    ...env,
  });
  const runtime = await createNexus(config, { logger, role: 'all', adapters });
  const server: Server = runtime.http!.listen(0, '127.0.0.1');
  // Every response is checked against the OpenAPI document (a mismatch fails the test).
  validateResponsesOf(server);
  await new Promise<void>((r) => server.once('listening', () => r()));
  const http = supertest.agent(server);
  const login = async (email: string, password: string): Promise<Session> => {
    const res = await supertest(server).post('/api/auth/login').send({ email, password });
    if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    const d = res.body.data as { accessToken: string; refreshToken: string; user: { id: string } };
    return { accessToken: d.accessToken, refreshToken: d.refreshToken, userId: d.user.id, auth: `Bearer ${d.accessToken}` };
  };
  let userCount = 0;
  return {
    profile,
    runtime,
    http,
    smtp,
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    agent: () => supertest.agent(server),
    login,
    admin: () => login(ADMIN_EMAIL, ADMIN_PASSWORD),
    newUser: async (tag, extra = {}) => {
      const email = `${tag}.${++userCount}.${profile}@example.com`;
      const res = await supertest(server).post('/api/auth/register').send({ name: `Test ${tag}`, email, password: USER_PASSWORD, ...extra });
      if (res.status !== 201) throw new Error(`register ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { ...(await login(email, USER_PASSWORD)), email, password: USER_PASSWORD };
    },
    close: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await runtime.close();
      await smtp.stop();
      assertNoMismatches();
    },
  };
};
