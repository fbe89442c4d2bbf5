import { expect } from 'chai';
import type { Cache } from '../../src/application/ports/cache.port';
import { sleep } from '../support/eventually';

export type MakeCache = () => Promise<{ cache: Cache; cleanup?: () => Promise<void> }>;

/** What every Cache must do, in-process and Redis alike. */
export const cacheContract = (name: string, make: MakeCache): void => {
  describe(`Cache contract :: ${name}`, () => {
    let cache: Cache;
    let cleanup: (() => Promise<void>) | undefined;
    const key = (k: string) => `contract:${process.pid}:${k}`;

    beforeEach(async () => {
      ({ cache, cleanup } = await make());
    });
    afterEach(async () => cleanup?.());

    it('misses a key it never stored', async () => {
      expect(await cache.get(key('absent'))).to.equal(undefined);
    });

    it('returns a stored value as JSON would (dates become strings)', async () => {
      await cache.set(key('v'), { a: 1, when: new Date('2026-01-01T00:00:00Z'), list: [1, 'x', null] }, 60);
      expect(await cache.get(key('v'))).to.deep.equal({ a: 1, when: '2026-01-01T00:00:00.000Z', list: [1, 'x', null] });
    });

    it('hands no reader a value another reader or the writer can change (a copy each, or one frozen copy)', async () => {
      const stored = { a: 1, nested: { list: [1, 2] } };
      await cache.set(key('shared'), stored, 60);
      stored.nested.list.push(3);
      const first = await cache.get<{ a: number; nested: { list: number[] } }>(key('shared'));
      const tryTo = (change: () => void) => {
        try {
          change();
        } catch {
          // A frozen copy refuses (strict mode): that is a pass too.
        }
      };
      tryTo(() => (first!.a = 2));
      tryTo(() => first!.nested.list.push(4));
      tryTo(() => (first!.nested = { list: [] }));
      expect(await cache.get(key('shared'))).to.deep.equal({ a: 1, nested: { list: [1, 2] } });
    });

    it('reads several keys at once, each answer in its key\'s place, undefined for a miss', async () => {
      await cache.set(key('m1'), { n: 1 }, 60);
      await cache.set(key('m3'), 'three', 60);
      expect(await cache.getMany([key('m1'), key('m2'), key('m3'), key('m1')])).to.deep.equal([{ n: 1 }, undefined, 'three', { n: 1 }]);
      expect(await cache.getMany([])).to.deep.equal([]);
    });

    it('reads in a batch what a single read gives, and forgets it after its TTL too', async () => {
      await cache.set(key('mb'), { when: new Date('2026-01-01T00:00:00Z') }, 1);
      const [batch] = await cache.getMany([key('mb')]);
      expect(batch).to.deep.equal(await cache.get(key('mb')));
      expect(batch).to.deep.equal({ when: '2026-01-01T00:00:00.000Z' });
      await sleep(1100);
      expect(await cache.getMany([key('mb')])).to.deep.equal([undefined]);
    });

    it('forgets a value after its TTL', async () => {
      await cache.set(key('ttl'), 'short', 1);
      await sleep(1100);
      expect(await cache.get(key('ttl'))).to.equal(undefined);
    });

    it('deletes several keys at once', async () => {
      await cache.set(key('d1'), 1, 60);
      await cache.set(key('d2'), 2, 60);
      await cache.delete(key('d1'), key('d2'));
      expect(await cache.get(key('d1'))).to.equal(undefined);
      expect(await cache.get(key('d2'))).to.equal(undefined);
    });

    it('deletes by prefix and only by prefix, treating glob characters literally', async () => {
      await cache.set(key('users:1'), 1, 60);
      await cache.set(key('users:2'), 2, 60);
      await cache.set(key('usersX'), 3, 60);
      await cache.set(key('roles:1'), 4, 60);
      await cache.set(key('u*:1'), 5, 60);
      expect(await cache.deleteByPrefix(key('users:'))).to.equal(2);
      expect(await cache.get(key('users:1'))).to.equal(undefined);
      expect(await cache.get(key('usersX'))).to.equal(3);
      expect(await cache.get(key('roles:1'))).to.equal(4);
      expect(await cache.deleteByPrefix(key('u*'))).to.equal(1);
      expect(await cache.get(key('usersX'))).to.equal(3);
    });

    it('deletes by prefix across many keys', async () => {
      for (let i = 0; i < 600; i++) await cache.set(key(`bulk:${i}`), i, 60);
      expect(await cache.deleteByPrefix(key('bulk:'))).to.equal(600);
      expect(await cache.get(key('bulk:599'))).to.equal(undefined);
    });

    it('answers a ping', async () => {
      await cache.ping();
    });
  });
};
