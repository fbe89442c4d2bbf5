import { InMemoryCache } from '../../../../src/adapters/memory/in-memory-cache';
import { MemoryInvalidationHub } from '../../../../src/adapters/memory/memory-cache-invalidations';
import { TwoLevelCache } from '../../../../src/application/cache/two-level-cache';
import { cacheContract } from '../../../contract/cache.contract';
import { cacheInvalidationsContract, CountingCache, type InvalidationGroup, twoLevelCacheContract } from '../../../contract/cache-invalidations.contract';

const memoryGroup = async (): Promise<InvalidationGroup> => {
  const hub = new MemoryInvalidationHub();
  const [a, b] = [hub.member(), hub.member()];
  const elsewhere = new MemoryInvalidationHub().member();
  return {
    a,
    b,
    elsewhere,
    interrupt: async () => {
      b.setUp(false);
      setTimeout(() => b.setUp(true), 20);
    },
    hold: async () => b.setUp(false),
    resume: async () => b.setUp(true),
    cleanup: async () => {
      await Promise.all([a.close(), b.close(), elsewhere.close()]);
    },
  };
};

cacheInvalidationsContract('MemoryCacheInvalidations', memoryGroup);
twoLevelCacheContract('InMemoryCache + MemoryCacheInvalidations', async () => {
  const shared = new InMemoryCache();
  return { sharedA: new CountingCache(shared), sharedB: new CountingCache(shared), group: await memoryGroup() };
});
cacheContract('TwoLevelCache on InMemoryCache', async () => {
  const bus = new MemoryInvalidationHub().member();
  return { cache: new TwoLevelCache(new InMemoryCache(), bus, { ttlMs: 1000, maxEntries: 1000 }), cleanup: () => bus.close() };
});
