import { expect } from 'chai';
import type { Cache } from '../../src/application/ports/cache.port';
import type { CacheInvalidations, Invalidation } from '../../src/application/ports/cache-invalidations.port';
import { TwoLevelCache } from '../../src/application/cache/two-level-cache';
import { eventually, sleep } from '../support/eventually';

/** Instances sharing one channel (`a`, `b`), one on another channel (`elsewhere`), and a way to cut `b`'s subscription. */
export interface InvalidationGroup {
  readonly a: CacheInvalidations;
  readonly b: CacheInvalidations;
  readonly elsewhere: CacheInvalidations;
  /** Makes `b` lose its subscription (as a dropped connection does); it may come back on its own. */
  interrupt(): Promise<void>;
  /** Makes `b` lose its subscription and stay without it until `resume`. */
  hold(): Promise<void>;
  resume(): Promise<void>;
  cleanup(): Promise<void>;
}

interface Heard {
  messages: Invalidation[];
  states: boolean[];
}

const record = (bus: CacheInvalidations): Heard => {
  const heard: Heard = { messages: [], states: [] };
  bus.listen({ invalidated: (m) => heard.messages.push(m), hearing: (up) => heard.states.push(up) });
  return heard;
};

/** What every CacheInvalidations must do. */
export const cacheInvalidationsContract = (name: string, make: () => Promise<InvalidationGroup>): void => {
  describe(`CacheInvalidations contract :: ${name}`, () => {
    let g: InvalidationGroup;
    beforeEach(async () => {
      g = await make();
    });
    afterEach(async () => g.cleanup());

    it('is up once started', () => {
      expect(g.a.up).to.equal(true);
      expect(g.b.up).to.equal(true);
    });

    it("delivers keys and prefixes to the other instances on its channel, not to itself nor to another channel's", async () => {
      const [ha, hb, he] = [record(g.a), record(g.b), record(g.elsewhere)];
      await g.a.publish({ keys: ['user:1', 'session:live:9'], prefixes: ['perms:'] });
      await eventually(() => (hb.messages.length > 0 ? true : undefined), 1000, 'the message on b');
      expect(hb.messages).to.deep.equal([{ keys: ['user:1', 'session:live:9'], prefixes: ['perms:'] }]);
      await sleep(50);
      expect(ha.messages).to.deep.equal([]);
      expect(he.messages).to.deep.equal([]);
    });

    it('says when a subscription is lost and when it is back', async () => {
      const hb = record(g.b);
      await g.interrupt();
      await eventually(() => (hb.states.includes(false) ? true : undefined), 2000, 'b told it stopped hearing');
      await eventually(() => (g.b.up ? true : undefined), 5000, 'b up again');
      expect(hb.states.at(-1)).to.equal(true);
      await g.a.publish({ keys: ['k'], prefixes: [] });
      await eventually(() => (hb.messages.length > 0 ? true : undefined), 1000, 'a message after the reconnect');
    });

    it('is down, and tells so, after close', async () => {
      const hb = record(g.b);
      await g.b.close();
      expect(g.b.up).to.equal(false);
      expect(hb.states).to.deep.equal([false]);
    });
  });
};

/** Counts the shared cache's reads, to tell a first-level hit from a miss. */
export class CountingCache implements Cache {
  reads = 0;
  constructor(private readonly inner: Cache) {}
  get<T>(key: string): Promise<T | undefined> {
    this.reads += 1;
    return this.inner.get<T>(key);
  }
  getMany(keys: readonly string[]): Promise<unknown[]> {
    this.reads += keys.length;
    return this.inner.getMany(keys);
  }
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    return this.inner.set(key, value, ttlSeconds);
  }
  delete(...keys: string[]): Promise<void> {
    return this.inner.delete(...keys);
  }
  deleteByPrefix(prefix: string): Promise<number> {
    return this.inner.deleteByPrefix(prefix);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
}

export interface TwoInstances {
  /** One shared cache, seen through each instance's counter. */
  readonly sharedA: CountingCache;
  readonly sharedB: CountingCache;
  readonly group: InvalidationGroup;
}

/** What two first-level caches on one shared cache guarantee each other (within 1 s, with both warm). */
export const twoLevelCacheContract = (name: string, make: () => Promise<TwoInstances>): void => {
  describe(`TwoLevelCache across instances :: ${name}`, () => {
    let t: TwoInstances;
    let a: TwoLevelCache;
    let b: TwoLevelCache;
    const options = { ttlMs: 5000, maxEntries: 100 };
    let n = 0;
    const key = (k: string) => `l1:${process.pid}:${++n}:${k}`;
    /** `b` answers `expected` for `k` within 1 s (polled; its copy was warm). */
    const bSeesSoon = async (k: string, expected: unknown): Promise<void> => {
      const started = Date.now();
      await eventually(async () => ((JSON.stringify(await b.get(k)) ?? 'undefined') === (JSON.stringify(expected) ?? 'undefined') ? true : undefined), 1000, `b sees ${String(expected)}`);
      expect(Date.now() - started).to.be.below(1000);
    };

    beforeEach(async () => {
      t = await make();
      a = new TwoLevelCache(t.sharedA, t.group.a, options);
      b = new TwoLevelCache(t.sharedB, t.group.b, options);
    });
    afterEach(async () => t.group.cleanup());

    it('answers a warm read without asking the shared cache, a miss included', async () => {
      const k = key('warm');
      await t.sharedA.set(k, { v: 1 }, 60);
      expect(await b.get(k)).to.deep.equal({ v: 1 });
      const absent = key('absent');
      expect(await b.get(absent)).to.equal(undefined);
      const reads = t.sharedB.reads;
      expect(await b.get(k)).to.deep.equal({ v: 1 });
      expect(await b.get(absent)).to.equal(undefined);
      expect(t.sharedB.reads).to.equal(reads);
    });

    it("a change on one instance replaces the other's warm copy", async () => {
      const k = key('changed');
      await a.set(k, 'old', 60);
      expect(await b.get(k)).to.equal('old');
      await a.set(k, 'new', 60);
      await bSeesSoon(k, 'new');
    });

    it("a delete on one instance ends the other's warm copy", async () => {
      const k = key('deleted');
      await a.set(k, 'x', 60);
      expect(await b.get(k)).to.equal('x');
      await a.delete(k);
      await bSeesSoon(k, undefined);
    });

    it("a write ends the other's kept miss (a revocation mark appears)", async () => {
      const k = key('revoked');
      expect(await b.get(k)).to.equal(undefined);
      await a.set(k, true, 60);
      await bSeesSoon(k, true);
    });

    it("a prefix delete ends the other's copies under it, and only those", async () => {
      const base = key('group');
      const [p1, p2, other] = [`${base}:perms:1`, `${base}:perms:2`, `${base}:kept`];
      // Written straight to the shared cache: no announcement in flight while b reads.
      await t.sharedA.set(p1, 1, 60);
      await t.sharedA.set(p2, 2, 60);
      await t.sharedA.set(other, 3, 60);
      expect([await b.get(p1), await b.get(p2), await b.get(other)]).to.deep.equal([1, 2, 3]);
      await t.sharedA.set(other, 33, 60); // behind everyone's back: b's copy stays
      await a.deleteByPrefix(`${base}:perms:`);
      await bSeesSoon(p1, undefined);
      expect(await b.get(p2)).to.equal(undefined);
      expect(await b.get(other)).to.equal(3);
    });

    it('while it cannot hear invalidations, it keeps nothing and reads the shared cache; a change missed meanwhile is seen at once', async () => {
      const k = key('deaf');
      await a.set(k, 'before', 60);
      expect(await b.get(k)).to.equal('before');
      await t.group.hold();
      await eventually(() => (!b.active ? true : undefined), 2000, 'b bypassing its first level');
      expect(b.size).to.equal(0);
      await a.set(k, 'during', 60); // b cannot hear this one
      expect(await b.get(k)).to.equal('during');
      const reads = t.sharedB.reads;
      await b.get(k);
      expect(t.sharedB.reads).to.equal(reads + 1);
      await t.group.resume();
      await eventually(() => (b.active ? true : undefined), 5000, 'b hearing again');
      expect(await b.get(k)).to.equal('during');
      const warm = t.sharedB.reads;
      expect(await b.get(k)).to.equal('during');
      expect(t.sharedB.reads).to.equal(warm);
    });
  });
};
