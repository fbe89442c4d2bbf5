import { expect } from 'chai';
import { MeteredCache, PrometheusMetrics } from '../../src/adapters/metrics/prometheus-metrics';
import { cacheContract, type MakeCache } from './cache.contract';

/** The lookups the cache counter holds, by result. */
export const cacheLookups = async (metrics: PrometheusMetrics): Promise<Record<string, number>> => {
  const counter = metrics.registry.getSingleMetric('nexus_cache_lookups_total');
  if (!counter) throw new Error('nexus_cache_lookups_total is not registered');
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await counter.get()).values) counts[String(labels['result'])] = value;
  return counts;
};

/**
 * The cache the app really binds is a MeteredCache around the technology's cache: it must keep
 * the whole Cache contract, and count each lookup as a hit, a miss or an error.
 * `unreachable` makes an inner cache of the same technology whose store cannot be reached.
 */
export const meteredCacheContract = (name: string, inner: MakeCache, unreachable: MakeCache): void => {
  const metered = (make: MakeCache, metrics: PrometheusMetrics): MakeCache => async () => {
    const { cache, cleanup } = await make();
    return { cache: new MeteredCache(cache, metrics), ...(cleanup ? { cleanup } : {}) };
  };
  const shared = new PrometheusMetrics('contract');
  cacheContract(`MeteredCache(${name})`, metered(inner, shared));

  describe(`MeteredCache(${name}) counts its lookups`, () => {
    const key = (k: string) => `metered:${process.pid}:${Date.now()}:${k}`;

    it('counts a hit for a stored key and a miss for an absent one, and nothing for writes', async () => {
      const metrics = new PrometheusMetrics('contract');
      const { cache, cleanup } = await metered(inner, metrics)();
      try {
        const k = key('hit');
        await cache.set(k, { v: 1 }, 60);
        expect(await cache.get(k)).to.deep.equal({ v: 1 });
        expect(await cache.get(k)).to.deep.equal({ v: 1 });
        expect(await cache.get(key('absent'))).to.equal(undefined);
        await cache.delete(k);
        expect(await cache.get(k)).to.equal(undefined);

        expect(await cacheLookups(metrics)).to.deep.equal({ hit: 2, miss: 2 });
      } finally {
        await cleanup?.();
      }
    });

    it('counts each key of a batch read as its own hit or miss', async () => {
      const metrics = new PrometheusMetrics('contract');
      const { cache, cleanup } = await metered(inner, metrics)();
      try {
        const k = key('batch');
        await cache.set(k, 1, 60);
        expect(await cache.getMany([k, key('absent-1'), k, key('absent-2'), key('absent-3')])).to.deep.equal([1, undefined, 1, undefined, undefined]);

        expect(await cacheLookups(metrics)).to.deep.equal({ hit: 2, miss: 3 });
      } finally {
        await cleanup?.();
      }
    });

    it('counts an error, and still rejects with it, when its store cannot be reached', async () => {
      const metrics = new PrometheusMetrics('contract');
      const { cache, cleanup } = await metered(unreachable, metrics)();
      try {
        const error = await cache.get(key('down')).then(
          () => undefined,
          (e: unknown) => e,
        );

        expect(error).to.be.instanceOf(Error);
        expect(await cacheLookups(metrics)).to.deep.equal({ error: 1 });

        const batchError = await cache.getMany([key('down-1'), key('down-2')]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(batchError).to.be.instanceOf(Error);
        expect(await cacheLookups(metrics)).to.deep.equal({ error: 3 });
      } finally {
        await cleanup?.();
      }
    });
  });
};
