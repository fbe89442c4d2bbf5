import 'reflect-metadata';
import { Container } from 'inversify';
import type { Redis } from 'ioredis';
import { AccountMail } from '../../application/jobs/account-mail';
import { ManageJobs } from '../../application/jobs/manage-jobs';
import { RelayOutbox, startOutboxRelay } from '../../application/jobs/outbox-relay';
import type { OutboxStore } from '../../application/ports/outbox.port';
import { InMemoryOutboxStore } from '../../adapters/memory/in-memory-outbox';
import { MongoOutboxStore } from '../../adapters/mongo/mongo-outbox-store';
import { ProcessData, SendEmail, WeeklyReport } from '../../application/jobs/processors';
import { LogAlerts } from '../../adapters/alerts/log-alerts';
import type { RateLimits } from '../../adapters/http/middleware/rate-limit';
import { MemoryRateLimiter } from '../../adapters/rate-limit/memory-rate-limiter';
import { MeteredCache, PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics';
import { RedisRateLimiter } from '../../adapters/rate-limit/redis-rate-limiter';
import type { Cache } from '../../application/ports/cache.port';
import type { HealthCheck } from '../../application/ports/health-check.port';
import type { JobQueue, JobWorker } from '../../application/ports/job-queue.port';
import type { Logger } from '../../application/ports/logger.port';
import type { Mailer } from '../../application/ports/mailer.port';
import type { UserRepository } from '../../application/ports/user-repository.port';
import { TYPES } from '../../application/symbols';
import { randomBytes } from 'node:crypto';
import { AuditRecorder, PermissionResolver } from '../../application/access';
import { ManageApiKeys } from '../../application/api-keys/api-keys';
import { ListAudit } from '../../application/audit/list-audit';
import { Authenticate } from '../../application/auth/authenticate';
import { ChangePassword } from '../../application/auth/change-password';
import { LiveSessions } from '../../application/auth/live-sessions';
import { Login } from '../../application/auth/login';
import { PasswordRules } from '../../application/auth/passwords';
import { Logout, RefreshSession } from '../../application/auth/refresh-session';
import { RegisterUser } from '../../application/auth/register-user';
import { SeedAccess } from '../../application/auth/seed-access';
import { type AuthSettings, SessionIssuer } from '../../application/auth/sessions';
import type { ApiKeyRepository } from '../../application/ports/api-key-repository.port';
import type { AuditLog } from '../../application/ports/audit-log.port';
import type { RefreshTokenStore } from '../../application/ports/refresh-token-store.port';
import type { RoleRepository } from '../../application/ports/role-repository.port';
import type { AccessTokens, PasswordHasher, PasswordStrength, SecretTokens } from '../../application/ports/security.port';
import type { UnitOfWork } from '../../application/ports/unit-of-work.port';
import { AssignRoles } from '../../application/roles/assign-roles';
import { SuperuserGuard } from '../../application/roles/superuser-guard';
import type { ApiKeySettings } from '../../application/api-keys/api-keys';
import type { Leases } from '../../application/ports/leases.port';
import { InMemoryLeases } from '../../adapters/memory/in-memory-leases';
import { MongoLeases } from '../../adapters/mongo/mongo-leases';
import { ManageRoles } from '../../application/roles/roles';
import { GetUser } from '../../application/users/get-user';
import { ManageUsers } from '../../application/users/manage-users';
import { UpdateUser } from '../../application/users/update-user';
import {
  InMemoryApiKeyRepository,
  InMemoryAuditLog,
  InMemoryRefreshTokenStore,
  InMemoryRoleRepository,
  InMemoryUnitOfWork,
} from '../../adapters/memory/in-memory-access';
import {
  ensureAccessIndexes,
  MongoApiKeyRepository,
  MongoAuditLog,
  MongoRefreshTokenStore,
  MongoRoleRepository,
  MongoUnitOfWork,
} from '../../adapters/mongo/mongo-access';
import { Argon2PasswordHasher } from '../../adapters/security/argon2-password-hasher';
import { CryptoSecretTokens } from '../../adapters/security/crypto-secret-tokens';
import { JoseAccessTokens } from '../../adapters/security/jose-access-tokens';
import { ZxcvbnPasswordStrength } from '../../adapters/security/zxcvbn-password-strength';
import { BullmqJobQueue } from '../../adapters/bullmq/bullmq-job-queue';
import { BullmqJobWorker } from '../../adapters/bullmq/bullmq-job-worker';
import { InMemoryCache } from '../../adapters/memory/in-memory-cache';
import { InMemoryUserRepository } from '../../adapters/memory/in-memory-user-repository';
import { InProcessJobQueue } from '../../adapters/memory/in-process-job-queue';
import { OutboxMailer } from '../../adapters/memory/outbox-mailer';
import { MongoDatabase } from '../../adapters/mongo/mongo-database';
import { MongoUserRepository } from '../../adapters/mongo/mongo-user-repository';
import { connectRedis } from '../../adapters/redis/redis-connection';
import { RedisCache } from '../../adapters/redis/redis-cache';
import { SmtpMailer } from '../../adapters/smtp/smtp-mailer';
import { ObjectIdGenerator } from '../../adapters/system/object-id-generator';
import { SystemClock } from '../../adapters/system/system-clock';
import type { Config } from '../config/load-config';

export type Role = 'api' | 'worker';

export interface Runtime {
  readonly container: Container;
  readonly config: Config;
  /** Closes every pool and connection the container opened, in reverse order. */
  close(): Promise<void>;
}

export interface BuildOptions {
  readonly logger: Logger;
  /** `worker` also gets a JobWorker; in the embedded profile the API is its own worker. */
  readonly role?: Role;
  /** Replaces bindings after the profile's own (tests swap a port this way). */
  readonly overrides?: (container: Container) => void;
}

/**
 * The composition root: the only place that knows which adapter serves which port. The
 * profile decides the driven adapters; use cases are bound the same way in both.
 */
export const buildContainer = async (config: Config, options: BuildOptions): Promise<Runtime> => {
  const container = new Container({ defaultScope: 'Singleton' });
  const closers: (() => Promise<void>)[] = [];
  const logger = options.logger;

  container.bind(TYPES.Config).toConstantValue(config);
  container.bind(TYPES.Logger).toConstantValue(logger);
  container.bind(TYPES.Clock).to(SystemClock);
  container.bind(TYPES.IdGenerator).to(ObjectIdGenerator);
  const metrics = new PrometheusMetrics(options.role === 'worker' ? 'nexus-worker' : 'nexus-api');
  container.bind(TYPES.Metrics).toConstantValue(metrics);
  bindSecurity(container, config, logger);

  try {
    if (config.profile === 'production') await bindProduction(container, config, logger, options.role ?? 'api', closers, metrics);
    else bindEmbedded(container, config, logger, metrics);
  } catch (err) {
    await closeAll(closers, logger);
    throw err;
  }

  bindUseCases(container);
  options.overrides?.(container);
  // Every process relays the outbox; closers run last-first, so it stops before the connections.
  const relay = startOutboxRelay(container.get(RelayOutbox), logger, config.jobs.outboxRelayMs);
  closers.push(() => relay.stop());
  return { container, config, close: () => closeAll(closers, logger) };
};

const memoryLimits = (config: Config): RateLimits => {
  const { windowSeconds, apiMax, authMax } = config.rateLimit;
  return {
    api: new MemoryRateLimiter(apiMax, windowSeconds, 'api'),
    authClient: new MemoryRateLimiter(authMax, windowSeconds, 'auth-client'),
    authAccount: new MemoryRateLimiter(authMax, windowSeconds, 'auth-account'),
  };
};

const bindEmbedded = (container: Container, config: Config, logger: Logger, metrics: PrometheusMetrics): void => {
  const queue = new InProcessJobQueue(logger, { retry: config.jobs.retry, concurrency: config.jobs.concurrency }, new LogAlerts(logger));
  const mailer: Mailer = config.mail.smtpUrl ? new SmtpMailer(config.mail.smtpUrl, config.mail.from) : new OutboxMailer(logger, config.mail.outboxDir);
  container.bind<UserRepository>(TYPES.UserRepository).toConstantValue(new InMemoryUserRepository());
  container.bind<RoleRepository>(TYPES.RoleRepository).toConstantValue(new InMemoryRoleRepository());
  container.bind<RefreshTokenStore>(TYPES.RefreshTokenStore).toConstantValue(new InMemoryRefreshTokenStore());
  container.bind<ApiKeyRepository>(TYPES.ApiKeyRepository).toConstantValue(new InMemoryApiKeyRepository());
  container.bind<AuditLog>(TYPES.AuditLog).toConstantValue(new InMemoryAuditLog());
  container.bind<UnitOfWork>(TYPES.UnitOfWork).toConstantValue(new InMemoryUnitOfWork());
  container.bind<Leases>(TYPES.Leases).toConstantValue(new InMemoryLeases());
  container.bind<OutboxStore>(TYPES.OutboxStore).toConstantValue(new InMemoryOutboxStore());
  container.bind<Cache>(TYPES.Cache).toConstantValue(new MeteredCache(new InMemoryCache(), metrics));
  container.bind<JobQueue>(TYPES.JobQueue).toConstantValue(queue);
  container.bind<JobWorker>(TYPES.JobWorker).toConstantValue(queue);
  container.bind<RateLimits>(TYPES.RateLimits).toConstantValue(memoryLimits(config));
  metrics.watchQueues((q) => queue.counts(q));
  container.bind<Mailer>(TYPES.Mailer).toConstantValue(mailer);
  container.bind<HealthCheck[]>(TYPES.HealthChecks).toConstantValue([
    { name: 'database', check: async () => undefined },
    { name: 'cache', check: async () => undefined },
    { name: 'queue', check: () => queue.ping() },
  ]);
};

const bindProduction = async (
  container: Container,
  config: Config,
  logger: Logger,
  role: Role,
  closers: (() => Promise<void>)[],
  metrics: PrometheusMetrics,
): Promise<void> => {
  const mongoConfig = config.mongo;
  const redisConfig = config.redis;
  if (!mongoConfig || !redisConfig) throw new Error('the production profile needs MONGO_URL and REDIS_URL');
  const connectMs = config.timeouts.connectMs;

  const database = await MongoDatabase.connect({ url: mongoConfig.url, dbName: mongoConfig.dbName, connectTimeoutMs: connectMs });
  closers.push(() => database.close());
  logger.info('connected to MongoDB', { transactions: database.supportsTransactions });
  database.onReachabilityChange((up) => (up ? logger.info('MongoDB is reachable again') : logger.warn('MongoDB is unreachable: database calls answer 503 at once until it is back')));

  const cacheRedis = await connectRedis(redisConfig.url, { name: 'cache', logger, failFast: true, connectTimeoutMs: connectMs });
  closers.push(() => quit(cacheRedis));
  const queueRedis = await connectRedis(redisConfig.url, { name: 'queue', logger, failFast: true, connectTimeoutMs: connectMs });
  closers.push(() => quit(queueRedis));

  const users = new MongoUserRepository(database);
  await users.ensureIndexes();
  await ensureAccessIndexes(database);
  const leases = new MongoLeases(database);
  await leases.ensureIndexes();

  const queue = new BullmqJobQueue(queueRedis, redisConfig.keyPrefix);
  closers.push(() => queue.close());
  await queue.ready();

  const mailer: Mailer = config.mail.smtpUrl ? new SmtpMailer(config.mail.smtpUrl, config.mail.from) : new OutboxMailer(logger, config.mail.outboxDir);
  if (!config.mail.smtpUrl) logger.warn('SMTP_URL is not set: e-mails are written to the log, not sent');

  container.bind<UserRepository>(TYPES.UserRepository).toConstantValue(users);
  container.bind<RoleRepository>(TYPES.RoleRepository).toConstantValue(new MongoRoleRepository(database));
  container.bind<RefreshTokenStore>(TYPES.RefreshTokenStore).toConstantValue(new MongoRefreshTokenStore(database));
  container.bind<ApiKeyRepository>(TYPES.ApiKeyRepository).toConstantValue(new MongoApiKeyRepository(database));
  container.bind<AuditLog>(TYPES.AuditLog).toConstantValue(new MongoAuditLog(database));
  container.bind<UnitOfWork>(TYPES.UnitOfWork).toConstantValue(new MongoUnitOfWork(database));
  container.bind<Leases>(TYPES.Leases).toConstantValue(leases);
  const outbox = new MongoOutboxStore(database);
  await outbox.ensureIndexes();
  container.bind<OutboxStore>(TYPES.OutboxStore).toConstantValue(outbox);
  // One prefix for every key this deployment writes, so deployments can share a Redis.
  const prefix = redisConfig.keyPrefix;
  container.bind<Cache>(TYPES.Cache).toConstantValue(new MeteredCache(new RedisCache(cacheRedis, `${prefix}:cache:`), metrics));
  container.bind<JobQueue>(TYPES.JobQueue).toConstantValue(queue);
  const { windowSeconds, apiMax, authMax } = config.rateLimit;
  container.bind<RateLimits>(TYPES.RateLimits).toConstantValue({
    api: new RedisRateLimiter(cacheRedis, logger, apiMax, windowSeconds, `${prefix}:rl:api`),
    authClient: new RedisRateLimiter(cacheRedis, logger, authMax, windowSeconds, `${prefix}:rl:auth-client`),
    authAccount: new RedisRateLimiter(cacheRedis, logger, authMax, windowSeconds, `${prefix}:rl:auth-account`),
  });
  metrics.watchQueues((q) => queue.counts(q));
  container.bind<Mailer>(TYPES.Mailer).toConstantValue(mailer);
  container.bind<HealthCheck[]>(TYPES.HealthChecks).toConstantValue([
    { name: 'database', check: () => database.ping() },
    { name: 'cache', check: async () => void (await cacheRedis.ping()) },
    { name: 'queue', check: () => queue.ping() },
  ]);

  if (role === 'worker') {
    const workerRedis = await connectRedis(redisConfig.url, { name: 'worker', logger, failFast: false, connectTimeoutMs: connectMs });
    closers.push(() => quit(workerRedis));
    const worker = new BullmqJobWorker(workerRedis, queue, logger, new LogAlerts(logger), {
      concurrency: config.jobs.concurrency,
      retry: config.jobs.retry,
      lockDurationMs: config.jobs.lockDurationMs,
    }, redisConfig.keyPrefix);
    container.bind<JobWorker>(TYPES.JobWorker).toConstantValue(worker);
  }
};

const bindSecurity = (container: Container, config: Config, logger: Logger): void => {
  let secret = config.auth.jwtSecret;
  if (!secret) {
    // Only outside NODE_ENV=production (the config refuses it there): tokens die with the process.
    secret = randomBytes(48).toString('base64url');
    logger.warn('JWT_SECRET is not set: using a random key for this process; access tokens will not survive a restart or work across instances');
  }
  container.bind<AccessTokens>(TYPES.AccessTokens).toConstantValue(new JoseAccessTokens(secret, config.auth.accessTtlSeconds));
  container.bind<PasswordHasher>(TYPES.PasswordHasher).toConstantValue(new Argon2PasswordHasher());
  container.bind<PasswordStrength>(TYPES.PasswordStrength).toConstantValue(new ZxcvbnPasswordStrength());
  container.bind<SecretTokens>(TYPES.SecretTokens).toConstantValue(new CryptoSecretTokens());
  container.bind<AuthSettings>(TYPES.AuthSettings).toConstantValue({ refreshTtlSeconds: config.auth.refreshTtlSeconds });
  container.bind<ApiKeySettings>(TYPES.ApiKeySettings).toConstantValue({ maxLifetimeDays: config.apiKeys.maxLifetimeDays });
};

const bindUseCases = (container: Container): void => {
  const services: (new (...args: never[]) => unknown)[] = [GetUser, UpdateUser, SendEmail, PermissionResolver, AuditRecorder, PasswordRules, LiveSessions, SessionIssuer, Login, RefreshSession, Logout, ChangePassword, Authenticate, SeedAccess, ManageRoles, AssignRoles, ManageUsers, ManageApiKeys, ListAudit, ManageJobs, ProcessData, WeeklyReport, RelayOutbox, AccountMail];
  for (const service of services) container.bind(service).toSelf();
  container.bind(SuperuserGuard).toSelf();
  container.bind(TYPES.RegisterUser).to(RegisterUser);
  container.bind(TYPES.ManageUsers).toService(ManageUsers);
};

const quit = async (redis: Redis): Promise<void> => {
  await redis.quit().catch(() => redis.disconnect());
};

const closeAll = async (closers: (() => Promise<void>)[], logger: Logger): Promise<void> => {
  for (const close of closers.splice(0).reverse()) {
    await close().catch((err: unknown) => logger.warn('error while closing', { error: String(err) }));
  }
};
