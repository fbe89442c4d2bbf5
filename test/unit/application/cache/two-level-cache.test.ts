import { expect } from 'chai';
import { InMemoryCache } from '../../../../src/adapters/memory/in-memory-cache';
import { MemoryInvalidationHub } from '../../../../src/adapters/memory/memory-cache-invalidations';
import { TwoLevelCache } from '../../../../src/application/cache/two-level-cache';
import type { Cache } from '../../../../src/application/ports/cache.port';
import { CountingCache } from '../../../contract/cache-invalidations.contract';

/** A shared cache whose next read waits until released: a read in flight while a write happens. */
class GatedCache extends CountingCache {
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }
  override async get<T>(key: string): Promise<T | undefined> {
    const value = await super.get<T>(key);
    if (this.gate) await this.gate;
    return value;
  }
  override async getMany(keys: readonly string[]): Promise<unknown[]> {
    const values = await super.getMany(keys);
    if (this.gate) await this.gate;
    return values;
  }
}

describe('TwoLevelCache', () => {
  let clock = 0;
  const now = () => clock;
  const make = (shared: Cache, ttlMs = 1000, maxEntries = 100) => {
    const hub = new MemoryInvalidationHub();
    const bus = hub.member();
    return { l1: new TwoLevelCache(shared, bus, { ttlMs, maxEntries, now }), bus, other: hub.member() };
  };
  beforeEach(() => (clock = 1_000_000));

  it('serves a copy for ttlMs, then reads the shared cache again', async () => {
    const shared = new CountingCache(new InMemoryCache());
    await shared.set('k', 1, 60);
    const { l1 } = make(shared, 1000);
    await l1.get('k');
    clock += 999;
    await l1.get('k');
    expect(shared.reads).to.equal(1);
    clock += 1;
    await l1.get('k');
    expect(shared.reads).to.equal(2);
  });

  it('answers a batch read from its copies, and reads only the keys it lacks from the shared cache, in one read', async () => {
    const shared = new CountingCache(new InMemoryCache());
    await shared.set('a', 1, 60);
    await shared.set('c', 3, 60);
    const { l1 } = make(shared, 1000);
    await l1.get('a');
    expect(shared.reads).to.equal(1);
    expect(await l1.getMany(['a', 'b', 'c'])).to.deep.equal([1, undefined, 3]);
    expect(shared.reads).to.equal(3); // b and c, in one getMany
    expect(await l1.getMany(['c', 'b', 'a'])).to.deep.equal([3, undefined, 1]);
    expect(shared.reads).to.equal(3); // all three kept, the miss of b too
    clock += 1000;
    expect(await l1.getMany(['a', 'b'])).to.deep.equal([1, undefined]);
    expect(shared.reads).to.equal(5);
  });

  it('does not keep what a batch read in flight got when an invalidation came meanwhile', async () => {
    const shared = new GatedCache(new InMemoryCache());
    await shared.set('k', 'old', 60);
    const { l1, other } = make(shared);
    shared.hold();
    const reading = l1.getMany(['k', 'j']);
    await shared.set('k', 'new', 60);
    await other.publish({ keys: ['k'], prefixes: [] });
    shared.release();
    expect(await reading).to.deep.equal(['old', undefined]);
    expect(await l1.getMany(['k'])).to.deep.equal(['new']);
  });

  it('keeps at most maxEntries, the least recently used out first', async () => {
    const shared = new CountingCache(new InMemoryCache());
    const { l1 } = make(shared, 1000, 2);
    await l1.get('a');
    await l1.get('b');
    await l1.get('a'); // a is now the most recent
    await l1.get('c'); // b goes
    expect(l1.size).to.equal(2);
    const reads = shared.reads;
    await l1.get('a');
    await l1.get('c');
    expect(shared.reads).to.equal(reads);
    await l1.get('b');
    expect(shared.reads).to.equal(reads + 1);
  });

  it('with ttlMs 0 it keeps nothing', async () => {
    const shared = new CountingCache(new InMemoryCache());
    const { l1 } = make(shared, 0);
    await l1.get('k');
    await l1.get('k');
    expect(shared.reads).to.equal(2);
    expect(l1.size).to.equal(0);
  });

  it('does not keep what a read in flight got when an invalidation came meanwhile (here or announced)', async () => {
    const inner = new InMemoryCache();
    const shared = new GatedCache(inner);
    await inner.set('k', 'old', 60);
    const { l1, other } = make(shared);
    shared.hold();
    const reading = l1.get('k');
    await new Promise((r) => setImmediate(r));
    await inner.set('k', 'new', 60);
    await other.publish({ keys: ['k'], prefixes: [] });
    shared.release();
    expect(await reading).to.equal('old'); // it answered what it read...
    expect(await l1.get('k')).to.equal('new'); // ...but did not keep it
  });

  it('does not keep what a read in flight got when hearing was lost and came back meanwhile', async () => {
    const inner = new InMemoryCache();
    const shared = new GatedCache(inner);
    await inner.set('k', 'old', 60);
    const { l1, bus } = make(shared);
    shared.hold();
    const reading = l1.get('k');
    await new Promise((r) => setImmediate(r));
    bus.setUp(false);
    await inner.set('k', 'new', 60);
    bus.setUp(true);
    shared.release();
    await reading;
    expect(await l1.get('k')).to.equal('new');
  });

  it('drops a key here even when the shared write failed, and still announces it', async () => {
    const inner = new InMemoryCache();
    const failing: Cache = Object.assign(new CountingCache(inner), { delete: () => Promise.reject(new Error('down')) });
    await inner.set('k', 1, 60);
    const { l1, other } = make(failing);
    const heard: string[] = [];
    other.listen({ invalidated: (m) => heard.push(...m.keys), hearing: () => undefined });
    await l1.get('k');
    await inner.delete('k');
    const error = await l1.delete('k').then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal('down');
    expect(await l1.get('k')).to.equal(undefined);
    expect(heard).to.deep.equal(['k']);
  });

  it('hands out frozen copies, so no reader can change what another reads', async () => {
    const shared = new InMemoryCache();
    await shared.set('k', { roles: ['a'] }, 60);
    const { l1 } = make(shared);
    const first = await l1.get<{ roles: string[] }>('k');
    expect(() => first!.roles.push('admin')).to.throw(TypeError);
    expect(await l1.get('k')).to.deep.equal({ roles: ['a'] });
  });
});
