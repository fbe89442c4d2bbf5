import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { RedisRateLimiter } from '../../../src/adapters/rate-limit/redis-rate-limiter';
import { connectRedis } from '../../../src/adapters/redis/redis-connection';
import { eventually, sleep } from '../../support/eventually';
import { capturingLogger } from '../../support/logger';
import { requireLocalBinary, startLocalRedis } from '../../support/services';

describe('Redis :: outage log lines', function () {
  this.timeout(60_000);

  it('logs once when Redis goes away and once when it is back: the connection and the rate limiter', async function () {
    requireLocalBinary(this, 'redis-server');
    const redis = await startLocalRedis();
    let restarted: Awaited<ReturnType<typeof startLocalRedis>> | undefined;
    let client: Redis | undefined;
    try {
      const { logger, lines } = capturingLogger();
      client = await connectRedis(redis.url, { name: 'cache', failFast: true, logger });
      const limiters = ['api', 'auth-client', 'auth-account'].map((p) => new RedisRateLimiter(client!, logger, 5, 60, `logs:${p}`));
      const consumeAll = () => Promise.all(limiters.map((l) => l.consume('203.0.113.9')));
      await consumeAll();
      expect(lines().filter((l) => l['level'] !== 'debug')).to.deep.equal([]);

      await redis.stop();
      await eventually(() => (client!.status !== 'ready' ? true : undefined), 5000, 'client notices');
      for (let i = 0; i < 5; i++) await consumeAll();
      await sleep(1500);
      const down = lines().filter((l) => l['level'] === 'warn');
      expect(down.map((l) => l['message'])).to.have.members([
        'Redis connection lost; reconnecting',
        'Redis is unavailable: rate limits are kept in this process until it returns',
      ]);
      expect(down.find((l) => String(l['message']).startsWith('Redis connection lost'))).to.include({ connection: 'cache' });

      restarted = await startLocalRedis({ port: redis.port, dir: redis.dir });
      await eventually(() => (client!.status === 'ready' ? true : undefined), 15_000, 'reconnected');
      for (let i = 0; i < 3; i++) await consumeAll();
      const back = lines().filter((l) => l['level'] === 'info');
      expect(back.map((l) => l['message'])).to.have.members(['Redis connection is back', 'Redis is back: rate limits are shared again']);
      expect(lines().filter((l) => l['level'] === 'warn')).to.have.length(2);
    } finally {
      client?.disconnect();
      await restarted?.stop();
      await redis.stop().catch(() => undefined);
    }
  });

  it('says nothing for a connection closed on purpose or a first connect that fails', async function () {
    requireLocalBinary(this, 'redis-server');
    const redis = await startLocalRedis();
    try {
      const { logger, lines } = capturingLogger();
      await (await connectRedis(redis.url, { name: 'quits', failFast: true, logger })).quit();
      (await connectRedis(redis.url, { name: 'disconnects', failFast: true, logger })).disconnect();
      await connectRedis('redis://127.0.0.1:1', { name: 'never', failFast: true, logger, connectTimeoutMs: 300 }).catch(() => undefined);
      await sleep(500);
      expect(lines()).to.deep.equal([]);
    } finally {
      await redis.stop();
    }
  });
});
