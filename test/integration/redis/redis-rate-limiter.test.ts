import { Redis } from 'ioredis';
import { RedisRateLimiter } from '../../../src/adapters/rate-limit/redis-rate-limiter';
import { connectRedis } from '../../../src/adapters/redis/redis-connection';
import { rateLimiterContract } from '../../contract/rate-limiter.contract';
import { silentLogger } from '../../support/logger';
import { requireService } from '../../support/services';

describe('Redis :: rate limiter', function () {
  let redis: Redis;

  before(async function () {
    this.timeout(120_000);
    const url = await requireService(this, 'redis');
    redis = await connectRedis(url, { name: 'test-rate-limit', failFast: true });
  });
  after(async () => {
    await redis?.quit();
  });

  rateLimiterContract('RedisRateLimiter', async ({ limit, windowSeconds }) => ({
    limiter: new RedisRateLimiter(redis, silentLogger(), limit, windowSeconds, `test:${process.pid}:rl`),
  }));
});

describe('Redis :: rate limiter while Redis is down', () => {
  // Never connected: the limiter must answer from its in-memory insurance, by the same contract.
  const down = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  down.on('error', () => undefined);
  after(() => down.disconnect());

  rateLimiterContract('RedisRateLimiter (in-memory insurance)', async ({ limit, windowSeconds }) => ({
    limiter: new RedisRateLimiter(down, silentLogger(), limit, windowSeconds, `test:${process.pid}:rl-down`),
  }));
});
