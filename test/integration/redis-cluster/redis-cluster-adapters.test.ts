import { expect } from 'chai';
import type { Cluster, Redis } from 'ioredis';
import { RedisLoginLocks } from '../../../src/adapters/lockout/redis-login-locks';
import { RedisRateLimiter } from '../../../src/adapters/rate-limit/redis-rate-limiter';
import { RedisCache } from '../../../src/adapters/redis/redis-cache';
import { connectRedis, isRedisOutage, masters, pingRedis, readKeys, type RedisClient, removeKeys } from '../../../src/adapters/redis/redis-connection';
import { lockoutPolicy } from '../../../src/domain/auth/lockout';
import { cacheContract } from '../../contract/cache.contract';
import { loginLockStoreContract } from '../../contract/login-lock-store.contract';
import { meteredCacheContract } from '../../contract/metered-cache.contract';
import { rateLimiterContract } from '../../contract/rate-limiter.contract';
import { silentLogger } from '../../support/logger';
import { clusterTarget, keySlot } from '../../support/redis-cluster';
import { requireService } from '../../support/services';

/** The keys matching `pattern` on each master, by master. */
const keysPerMaster = async (client: RedisClient, pattern: string): Promise<string[][]> =>
  Promise.all(
    masters(client).map(async (node: Redis) => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        found.push(...keys);
      } while (cursor !== '0');
      return found;
    }),
  );

// The same contract suites the single Redis passes (test/integration/redis/), on a three-master
// cluster: every adapter's keys and scripts must keep to one slot per command.
describe('Redis Cluster :: cache, login locks and rate limits', function () {
  let nodes: string;
  let a: Cluster;
  let b: Cluster;
  const prefix = `cl-${process.pid}`;

  before(async function () {
    this.timeout(120_000);
    nodes = await requireService(this, 'redis-cluster');
    // Two clients: two API processes sharing one cluster.
    a = (await connectRedis(clusterTarget(nodes), { name: 'test-cluster-a', failFast: true })) as Cluster;
    b = (await connectRedis(clusterTarget(nodes), { name: 'test-cluster-b', failFast: true })) as Cluster;
  });
  after(async () => {
    await a?.quit();
    await b?.quit();
  });

  it('is a real cluster of three masters, which connectRedis reaches through the Cluster client', async () => {
    expect(a.isCluster).to.equal(true);
    expect(masters(a)).to.have.length(3);
    await pingRedis(a);
  });

  cacheContract('RedisCache on a cluster', async () => ({ cache: new RedisCache(a, `${prefix}:cache:`) }));
  meteredCacheContract(
    'RedisCache on a cluster',
    async () => ({ cache: new RedisCache(a, `${prefix}:metered:`) }),
    async () => {
      const closed = await connectRedis(clusterTarget(nodes), { name: 'test-cluster-closed', failFast: true });
      await closed.quit();
      return { cache: new RedisCache(closed, `${prefix}:metered:`) };
    },
  );

  loginLockStoreContract('RedisLoginLocks on a cluster', async () => {
    const store = new RedisLoginLocks(a, prefix, isRedisOutage);
    return { store, twin: new RedisLoginLocks(b, prefix, isRedisOutage), hasState: async (id) => (await a.exists(store.keyOf(id))) === 1 };
  });

  rateLimiterContract('RedisRateLimiter on a cluster', async ({ limit, windowSeconds }) => ({
    limiter: new RedisRateLimiter(a, silentLogger(), limit, windowSeconds, `${prefix}:rl:${Date.now()}`),
  }));

  it('invalidates by prefix on every master: keys spread over all three are all removed, others kept', async () => {
    const cache = new RedisCache(a, `${prefix}:spread:`);
    const ids = Array.from({ length: 60 }, (_, i) => `u${i}`);
    for (const id of ids) await cache.set(`perms:user:${id}`, ['users:read'], 60);
    await cache.set('user:keep', { name: 'Ada' }, 60);

    const before = await keysPerMaster(a, `${prefix}:spread:perms:*`);
    expect(before.map((keys) => keys.length > 0), 'each master holds some of the keys').to.deep.equal([true, true, true]);
    expect(before.flat()).to.have.length(60);

    expect(await cache.deleteByPrefix('perms:')).to.equal(60);
    expect(await keysPerMaster(a, `${prefix}:spread:perms:*`)).to.deep.equal([[], [], []]);
    expect(await cache.get('user:keep')).to.deep.equal({ name: 'Ada' });
    // Seen from the other client too: nothing is cached in the process.
    expect(await new RedisCache(b, `${prefix}:spread:`).get('perms:user:u7')).to.equal(undefined);
  });

  it('deletes several keys of different slots in one call (one user, their permissions, the stats), where one DEL would be CROSSSLOT', async () => {
    const cache = new RedisCache(a, `${prefix}:multi:`);
    const keys = ['user:1', 'perms:user:1', 'stats:by-role'];
    const slots = await Promise.all(keys.map((k) => keySlot(a, `${prefix}:multi:${k}`)));
    expect(new Set(slots).size, 'the keys are in different slots').to.be.greaterThan(1);
    for (const k of keys) await cache.set(k, 1, 60);
    await cache.delete(...keys);
    for (const k of keys) expect(await cache.get(k), k).to.equal(undefined);
  });

  it('reads and removes keys of many slots in one call (readKeys, removeKeys: for batched cache reads)', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `${prefix}:batch:${i}`);
    expect(new Set(await Promise.all(keys.map((k) => keySlot(a, k)))).size).to.be.greaterThan(1);
    for (const [i, k] of keys.entries()) if (i % 2 === 0) await a.set(k, String(i), 'EX', 60);
    expect(await readKeys(a, keys)).to.deep.equal(keys.map((_, i) => (i % 2 === 0 ? String(i) : null)));
    expect(await removeKeys(a, keys)).to.equal(6);
    expect(await readKeys(a, keys)).to.deep.equal(keys.map(() => null));
  });

  it("keeps one account's lock state in one key, so its script runs on one master", async () => {
    const store = new RedisLoginLocks(a, prefix, isRedisOutage);
    const policy = lockoutPolicy({ threshold: 2, lockMinutes: 15, windowSeconds: 600 });
    const id = `acct-${Date.now()}`;
    await store.apply(id, { kind: 'fail', ticket: null }, new Date(), policy);
    await store.apply(id, { kind: 'reserve', ticket: 't1' }, new Date(), policy);
    const holders = (await keysPerMaster(a, `${prefix}:lockout:*${id}*`)).filter((keys) => keys.length > 0);
    expect(holders).to.deep.equal([[store.keyOf(id)]]);
  });

  it('loads the lockout script again on a master that forgot it (SCRIPT FLUSH on every master)', async () => {
    const store = new RedisLoginLocks(a, prefix, isRedisOutage);
    await Promise.all(masters(a).map((node) => node.script('FLUSH')));
    const policy = lockoutPolicy({ threshold: 2, lockMinutes: 15, windowSeconds: 600 });
    for (const id of ['x1', 'x2', 'x3', 'x4', 'x5', 'x6']) {
      expect(await store.apply(`flush-${id}-${Date.now()}`, { kind: 'status' }, new Date(), policy)).to.deep.include({ kind: 'status', failures: 0 });
    }
  });

  it('carries pub/sub through connectRedis on a cluster (a PUBLISH on any master reaches a subscriber on another)', async function () {
    this.timeout(20_000);
    for (const failFast of [false, true]) {
      const subscriber = await connectRedis(clusterTarget(nodes), { name: 'test-cluster-sub', failFast });
      try {
        const channel = `${prefix}:events:${failFast}`;
        const received = new Promise<string>((resolve) => subscriber.on('message', (ch: string, message: string) => ch === channel && resolve(message)));
        await subscriber.subscribe(channel);
        // A publisher on each master in turn: the cluster's bus delivers it wherever the subscriber listens.
        for (const node of masters(a)) await node.publish(channel, `from ${node.options.port}`);
        expect(await received).to.match(/^from \d+$/);
      } finally {
        subscriber.disconnect();
      }
    }
  });

  it('says clearly when no seed node answers, and classes a client that cannot reach the cluster as an outage', async () => {
    const error = await connectRedis(clusterTarget('127.0.0.1:1,127.0.0.1:2'), { name: 'nowhere', failFast: true, connectTimeoutMs: 500 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/^cannot reach Redis Cluster at redis:\/\/127\.0\.0\.1:1,127\.0\.0\.1:2: /);

    const closed = await connectRedis(clusterTarget(nodes), { name: 'test-cluster-gone', failFast: true });
    closed.disconnect();
    const failure = await closed.get('anything').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRedisOutage(failure), String(failure)).to.equal(true);
  });
});
