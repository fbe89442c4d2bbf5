import { expect } from 'chai';
import { Redis } from 'ioredis';
import { RedisLoginLocks } from '../../../src/adapters/lockout/redis-login-locks';
import { MemoryLoginLocks } from '../../../src/adapters/lockout/memory-login-locks';
import { connectRedis, isRedisOutage } from '../../../src/adapters/redis/redis-connection';
import { lockoutPolicy } from '../../../src/domain/auth/lockout';
import { loginLockStoreContract } from '../../contract/login-lock-store.contract';
import { requireService } from '../../support/services';

describe('Redis :: login locks', function () {
  let a: Redis;
  let b: Redis;
  const prefix = `test-${process.pid}`;

  before(async function () {
    this.timeout(120_000);
    const url = await requireService(this, 'redis');
    // Two connections: two API processes sharing one Redis.
    a = await connectRedis(url, { name: 'test-lockout-a', failFast: true });
    b = await connectRedis(url, { name: 'test-lockout-b', failFast: true });
  });
  after(async () => {
    await a?.quit();
    await b?.quit();
  });

  loginLockStoreContract('RedisLoginLocks', async () => {
    const store = new RedisLoginLocks(a, prefix, isRedisOutage);
    return { store, twin: new RedisLoginLocks(b, prefix, isRedisOutage), hasState: async (id) => (await a.exists(store.keyOf(id))) === 1 };
  });

  it('keeps each account under the deployment prefix, for as long as the rules need and no longer', async () => {
    const store = new RedisLoginLocks(a, prefix, isRedisOutage);
    const policy = lockoutPolicy({ threshold: 2, lockMinutes: 15, windowSeconds: 600 });
    const id = `ttl-${Date.now()}`;
    const now = new Date();

    await store.apply(id, { kind: 'fail', ticket: null }, now, policy);
    expect(await a.pttl(`${prefix}:lockout:${id}`)).to.be.within(599_000, 600_000);
    await store.apply(id, { kind: 'fail', ticket: null }, now, policy);
    // Locked for 15 minutes; the run is remembered a day after it ends.
    expect(await a.pttl(`${prefix}:lockout:${id}`)).to.be.within(15 * 60_000 + 86_400_000 - 1000, 15 * 60_000 + 86_400_000);
    expect(await a.keys(`${prefix}:lockout:*${id}*`)).to.deep.equal([`${prefix}:lockout:${id}`]);
  });

  it('loads its script again after Redis forgot it (SCRIPT FLUSH)', async () => {
    const store = new RedisLoginLocks(a, prefix, isRedisOutage);
    const policy = lockoutPolicy({ threshold: 2, lockMinutes: 15, windowSeconds: 600 });
    await a.script('FLUSH');
    expect(await store.apply(`flush-${Date.now()}`, { kind: 'status' }, new Date(), policy)).to.deep.include({ kind: 'status', failures: 0 });
  });
});

describe('Redis :: login locks while Redis is down', () => {
  // Never connected: the store keeps the state in this process, by the same contract.
  const down = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  down.on('error', () => undefined);
  after(() => down.disconnect());

  loginLockStoreContract('RedisLoginLocks (in-memory insurance)', async () => {
    const insurance = new MemoryLoginLocks();
    const store = new RedisLoginLocks(down, 'down', isRedisOutage, insurance);
    return { store, twin: store, hasState: async (id) => insurance.has(id) };
  });
});
