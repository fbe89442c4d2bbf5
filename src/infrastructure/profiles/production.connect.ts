import { LogAlerts } from '../../adapters/alerts/log-alerts';
import { BullmqJobQueue } from '../../adapters/bullmq/bullmq-job-queue';
import { BullmqJobWorker } from '../../adapters/bullmq/bullmq-job-worker';
import { RedisLoginLocks } from '../../adapters/lockout/redis-login-locks';
import { MeteredCache } from '../../adapters/metrics/prometheus-metrics';
import { MongoAccountTokenStore } from '../../adapters/mongo/mongo-account-token-store';
import { MongoApiKeyRepository } from '../../adapters/mongo/mongo-api-key-repository';
import { MongoAuditLog } from '../../adapters/mongo/mongo-audit-log';
import { MongoRefreshTokenStore } from '../../adapters/mongo/mongo-refresh-token-store';
import { MongoRoleRepository } from '../../adapters/mongo/mongo-role-repository';
import { MongoUnitOfWork } from '../../adapters/mongo/mongo-unit-of-work';
import { MongoLeases } from '../../adapters/mongo/mongo-leases';
import { MongoMfaChallengeStore } from '../../adapters/mongo/mongo-mfa-challenge-store';
import { MongoMfaStore } from '../../adapters/mongo/mongo-mfa-store';
import { MongoOutboxStore } from '../../adapters/mongo/mongo-outbox-store';
import { MongoDatabase } from '../../adapters/mongo/mongo-database';
import { MongoUserRepository } from '../../adapters/mongo/mongo-user-repository';
import { RedisRateLimiter } from '../../adapters/rate-limit/redis-rate-limiter';
import { RedisCache } from '../../adapters/redis/redis-cache';
import { connectRedis, describeRedisTarget, isRedisOutage, masters, pingRedis, type RedisClient } from '../../adapters/redis/redis-connection';
import { RedisCacheInvalidations } from '../../adapters/redis/redis-cache-invalidations';
import { TwoLevelCache } from '../../application/cache/two-level-cache';
import type { Cache } from '../../application/ports/cache.port';
import { outagesAsUnavailable } from '../../application/ports/dependency-unavailable';
import { QUEUE_NAMES } from '../../domain/jobs/job';
import type { Adapters } from './adapters';
import { ACCOUNT_MAIL_WINDOW_SECONDS, Closers, mailerFor, processAdapters, type Profile, type ProfileInputs } from './shared';

/**
 * MongoDB for data, Redis for cache and rate limits, BullMQ for jobs, SMTP for mail. Connects
 * and creates missing indexes before it returns; on failure, closes what it opened and throws.
 * Loaded through production.profile.ts only when the production profile is chosen.
 */
export const connectProduction = async (inputs: ProfileInputs): Promise<Profile> => {
  const { config, logger, role, given } = inputs;
  const { mongo, redis } = config;
  if (!mongo || !redis) throw new Error('the production profile needs MONGO_URL and REDIS_URL (or REDIS_CLUSTER_NODES)');
  const closers = new Closers(logger);
  try {
    const connectTimeoutMs = config.timeouts.connectMs;
    const database = await MongoDatabase.connect({ url: mongo.url, dbName: mongo.dbName, connectTimeoutMs });
    closers.add(() => database.close());
    logger.info('connected to MongoDB', { transactions: database.supportsTransactions });
    database.onReachabilityChange((up) => (up ? logger.info('MongoDB is reachable again') : logger.warn('MongoDB is unreachable: database calls answer 503 at once until it is back')));

    // One Redis or a Redis Cluster: connectRedis chooses the client; every adapter takes either.
    const cacheRedis = await connectRedis(redis.target, { name: 'cache', logger, failFast: true, connectTimeoutMs });
    closers.add(() => quit(cacheRedis));
    const queueRedis = await connectRedis(redis.target, { name: 'queue', logger, failFast: true, connectTimeoutMs });
    closers.add(() => quit(queueRedis));
    if (redis.target.kind === 'cluster') logger.info('connected to Redis Cluster', { nodes: describeRedisTarget(redis.target), masters: masters(queueRedis).length });

    const stores = {
      users: new MongoUserRepository(database),
      roles: new MongoRoleRepository(database),
      refreshTokens: new MongoRefreshTokenStore(database),
      apiKeys: new MongoApiKeyRepository(database),
      auditLog: new MongoAuditLog(database),
      leases: new MongoLeases(database),
      outbox: new MongoOutboxStore(database),
      mfa: new MongoMfaStore(database),
      mfaChallenges: new MongoMfaChallengeStore(database),
      accountTokens: new MongoAccountTokenStore(database),
    };
    // Each store creates the indexes it is missing, next to its document type.
    for (const store of Object.values(stores)) await store.ensureIndexes();

    // One prefix for every key this deployment writes, so deployments can share a Redis.
    const prefix = redis.keyPrefix;
    const queue = new BullmqJobQueue(queueRedis, prefix);
    closers.add(() => queue.close());
    await queue.ready();

    const base = processAdapters(inputs);
    let jobWorker: BullmqJobWorker | null = null;
    if (role !== 'api') {
      const workerRedis = await connectRedis(redis.target, { name: 'worker', logger, failFast: false, connectTimeoutMs });
      closers.add(() => quit(workerRedis));
      const options = { concurrency: config.jobs.concurrency, retry: config.jobs.retry, lockDurationMs: config.jobs.lockDurationMs, clock: base.clock };
      jobWorker = new BullmqJobWorker(workerRedis, queue, logger, new LogAlerts(logger), options, prefix);
    }

    // Redis' connection errors reach the use cases as DependencyUnavailable (503 at the edge).
    let cache: Cache = outagesAsUnavailable(new RedisCache(cacheRedis, `${prefix}:cache:`), 'cache', isRedisOutage);
    if (config.cacheL1.ttlMs > 0) {
      // Its own connection: a subscribed connection can send nothing else. It waits and retries
      // while Redis is away (the first level is off meanwhile).
      const busRedis = await connectRedis(redis.target, { name: 'cache-bus', logger, failFast: false, connectTimeoutMs });
      const bus = await RedisCacheInvalidations.start(cacheRedis, busRedis, `${prefix}:cache:invalidations`, logger);
      closers.add(() => bus.close());
      cache = new TwoLevelCache(cache, outagesAsUnavailable(bus, 'cache', isRedisOutage), config.cacheL1);
    }

    const { windowSeconds, apiMax, authMax } = config.rateLimit;
    const limiter = (max: number, name: string) => new RedisRateLimiter(cacheRedis, logger, max, windowSeconds, `${prefix}:rl:${name}`);
    const adapters: Adapters = {
      ...base,
      ...stores,
      unitOfWork: new MongoUnitOfWork(database),
      cache: new MeteredCache(cache, base.metrics),
      jobQueue: outagesAsUnavailable(queue, 'queue', isRedisOutage),
      jobWorker,
      mailer: mailerFor(inputs, closers),
      rateLimits: { api: limiter(apiMax, 'api'), authClient: limiter(authMax, 'auth-client') },
      loginLocks: new RedisLoginLocks(cacheRedis, prefix, isRedisOutage),
      accountMailLimiter: new RedisRateLimiter(cacheRedis, logger, 1, ACCOUNT_MAIL_WINDOW_SECONDS, `${prefix}:rl:account-mail`),
      healthChecks: [
        { name: 'database', check: () => database.ping() },
        { name: 'cache', check: () => pingRedis(cacheRedis) },
        { name: 'queue', check: () => queue.ping() },
      ],
      ...given,
    };
    return { adapters, close: () => closers.closeAll(), boardQueues: () => QUEUE_NAMES.map((name) => queue.queue(name)) };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
};

const quit = async (redis: RedisClient): Promise<void> => {
  await redis.quit().catch(() => redis.disconnect());
};
