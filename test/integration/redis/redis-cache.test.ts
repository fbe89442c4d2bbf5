import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/redis-connection';
import { RedisCache } from '../../../src/adapters/redis/redis-cache';
import { cacheContract } from '../../contract/cache.contract';
import { meteredCacheContract } from '../../contract/metered-cache.contract';
import { requireService } from '../../support/services';

describe('Redis :: cache', function () {
  let url: string;
  let redis: Redis;

  before(async function () {
    this.timeout(120_000);
    url = await requireService(this, 'redis');
    redis = await connectRedis(url, { name: 'test-cache', failFast: true });
  });
  after(async () => {
    await redis?.quit();
  });

  cacheContract('RedisCache', async () => ({ cache: new RedisCache(redis, `test:${process.pid}:`) }));
  meteredCacheContract(
    'RedisCache',
    async () => ({ cache: new RedisCache(redis, `test:${process.pid}:metered:`) }),
    async () => {
      // A client that has been closed, as one is after Redis went away and it gave up.
      const closed = await connectRedis(url, { name: 'test-cache-closed', failFast: true });
      await closed.quit();
      return { cache: new RedisCache(closed, `test:${process.pid}:metered:`) };
    },
  );

  it('keeps its keys under its prefix with a TTL', async () => {
    const cache = new RedisCache(redis, 'prefixed:');
    await cache.set('k', { v: 1 }, 30);
    expect(await redis.get('prefixed:k')).to.equal('{"v":1}');
    expect(await redis.ttl('prefixed:k')).to.be.within(1, 30);
  });

  it('reports a clear error for a server that is not there', async () => {
    const error = await connectRedis('redis://127.0.0.1:1', { name: 'nowhere', failFast: true, connectTimeoutMs: 300 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/^cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
