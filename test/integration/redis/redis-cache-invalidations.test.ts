import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { RedisCache } from '../../../src/adapters/redis/redis-cache';
import { RedisCacheInvalidations } from '../../../src/adapters/redis/redis-cache-invalidations';
import { connectRedis } from '../../../src/adapters/redis/redis-connection';
import { TwoLevelCache } from '../../../src/application/cache/two-level-cache';
import { cacheContract } from '../../contract/cache.contract';
import { cacheInvalidationsContract, CountingCache, type InvalidationGroup, twoLevelCacheContract } from '../../contract/cache-invalidations.contract';
import { eventually } from '../../support/eventually';
import { requireService } from '../../support/services';

/** A TCP hop in front of Redis that can cut every connection and refuse new ones: a network partition. */
class Partition {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private cut = false;
  private constructor(private readonly target: URL) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(target: URL): Promise<Partition> {
    const partition = new Partition(target);
    await new Promise<void>((r) => partition.server.listen(0, '127.0.0.1', () => r()));
    return partition;
  }

  private accept(client: Socket): void {
    if (this.cut) return void client.destroy();
    const upstream = connect(Number(this.target.port), this.target.hostname);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  hold(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }
  resume(): void {
    this.cut = false;
  }
  async close(): Promise<void> {
    this.hold();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('Redis :: cache invalidations (pub/sub) and the two-level cache', function () {
  this.timeout(60_000);
  let url: string;
  let redis: Redis;
  let n = 0;

  before(async function () {
    this.timeout(120_000);
    url = await requireService(this, 'redis');
    redis = await connectRedis(url, { name: 'test-bus-publisher', failFast: true });
  });
  after(async () => {
    await redis?.quit();
  });

  const killByName = async (name: string): Promise<number> => {
    const list = (await redis.client('LIST')) as string;
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=nexus-${name} `))
      .map((line) => /id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    for (const id of ids) await redis.client('KILL', 'ID', id);
    return ids.length;
  };

  const redisGroup = async (): Promise<InvalidationGroup> => {
    const run = `${process.pid}-${++n}`;
    const channel = `test:${run}:invalidations`;
    const partition = await Partition.start(new URL(url));
    const sub = (name: string, via = url) => connectRedis(via, { name, failFast: false });
    const a = await RedisCacheInvalidations.start(redis, await sub(`bus-a-${run}`), channel);
    const b = await RedisCacheInvalidations.start(redis, await sub(`bus-b-${run}`, partition.url), channel);
    const elsewhere = await RedisCacheInvalidations.start(redis, await sub(`bus-x-${run}`), `${channel}:other`);
    return {
      a,
      b,
      elsewhere,
      interrupt: async () => {
        expect(await killByName(`bus-b-${run}`)).to.equal(1);
      },
      hold: async () => partition.hold(),
      resume: async () => partition.resume(),
      cleanup: async () => {
        await Promise.all([a.close(), b.close(), elsewhere.close()]);
        await partition.close();
      },
    };
  };

  cacheInvalidationsContract('RedisCacheInvalidations', redisGroup);
  twoLevelCacheContract('RedisCache + RedisCacheInvalidations', async () => {
    const shared = new RedisCache(redis, `test:${process.pid}:l1:`);
    return { sharedA: new CountingCache(shared), sharedB: new CountingCache(shared), group: await redisGroup() };
  });
  cacheContract('TwoLevelCache on RedisCache', async () => {
    const group = await redisGroup();
    return { cache: new TwoLevelCache(new RedisCache(redis, `test:${process.pid}:l1c:`), group.a, { ttlMs: 1000, maxEntries: 1000 }), cleanup: () => group.cleanup() };
  });

  it('sends one PUBLISH per write, after the write, on the cache connection', async () => {
    const group = await redisGroup();
    try {
      const monitor = await redis.monitor();
      const seen: string[] = [];
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (String(args[1] ?? '').includes(`l1m:${process.pid}`) || args[0]?.toLowerCase() === 'publish') seen.push(String(args[0]).toLowerCase());
      });
      const cache = new TwoLevelCache(new RedisCache(redis, `test:l1m:${process.pid}:`), group.a, { ttlMs: 1000, maxEntries: 10 });
      await cache.set('k', 1, 60);
      await cache.delete('k');
      await eventually(() => (seen.length >= 4 ? true : undefined), 2000, 'the commands in MONITOR');
      monitor.disconnect();
      expect(seen).to.deep.equal(['set', 'publish', 'del', 'publish']);
    } finally {
      await group.cleanup();
    }
  });
});
