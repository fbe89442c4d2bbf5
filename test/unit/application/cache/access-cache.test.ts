import { expect } from 'chai';
import { CACHE_KEYS } from '../../../../src/application/cache/cache-keys';
import { usersWorld } from '../../../support/users-world';

describe('Cache :: AccessCache, the one owner of invalidation', () => {
  it('forgetUser drops the user, its permissions and the statistics, and nobody else', async () => {
    const { accessCache, adapters } = usersWorld();
    const keys = [CACHE_KEYS.user('a'), CACHE_KEYS.permissions('a'), CACHE_KEYS.statsByRole, CACHE_KEYS.user('b'), CACHE_KEYS.permissions('b')];
    for (const key of keys) await adapters.cache.set(key, 1, 60);
    await accessCache.forgetUser('a');
    const left = [];
    for (const key of keys) if ((await adapters.cache.get(key)) !== undefined) left.push(key);
    expect(left).to.deep.equal([CACHE_KEYS.user('b'), CACHE_KEYS.permissions('b')]);
  });

  it("forgetAllPermissions drops every user's permissions and the statistics, and keeps the users", async () => {
    const { accessCache, adapters } = usersWorld();
    for (const key of [CACHE_KEYS.permissions('a'), CACHE_KEYS.permissions('b'), CACHE_KEYS.statsByRole, CACHE_KEYS.user('a')]) await adapters.cache.set(key, 1, 60);
    await accessCache.forgetAllPermissions();
    expect(await adapters.cache.get(CACHE_KEYS.permissions('a'))).to.equal(undefined);
    expect(await adapters.cache.get(CACHE_KEYS.permissions('b'))).to.equal(undefined);
    expect(await adapters.cache.get(CACHE_KEYS.statsByRole)).to.equal(undefined);
    expect(await adapters.cache.get(CACHE_KEYS.user('a'))).to.equal(1);
  });

  it('forgetSessions marks the sessions revoked and drops their live entries', async () => {
    const { accessCache, adapters } = usersWorld();
    await adapters.cache.set(CACHE_KEYS.liveSession('s1'), { userId: 'a', userVersion: 1 }, 60);
    await accessCache.forgetSessions(['s1']);
    expect(await adapters.cache.get(CACHE_KEYS.liveSession('s1'))).to.equal(undefined);
    expect(await adapters.cache.get(CACHE_KEYS.revokedSession('s1'))).to.equal(true);
  });
});
