import type { Redis } from 'ioredis';
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
