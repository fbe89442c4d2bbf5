import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type { Container } from 'inversify';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository';
import type { RegisterUser } from '../../../src/application/auth/register-user';
import type { Cache } from '../../../src/application/ports/cache.port';
import type { JobQueue } from '../../../src/application/ports/job-queue.port';
import type { PasswordHasher } from '../../../src/application/ports/password-hasher.port';
import type { UserRepository } from '../../../src/application/ports/user-repository.port';
import { TYPES } from '../../../src/application/symbols';
import { CachedUserLookup } from '../../../src/application/users/cached-user-lookup';
import { UpdateUserProfile } from '../../../src/application/users/update-user-profile';
import type { Actor } from '../../../src/domain/auth/actor';
import type { UserId } from '../../../src/domain/users/user';
import { embeddedContainer, STRONG_PASSWORD } from '../../support/embedded';
import { silentLogger } from '../../support/logger';

/** A cache whose every call fails, as Redis does when it is down. */
const brokenCache: Cache = {
  get: async () => Promise.reject(new Error('cache down')),
  getMany: async () => Promise.reject(new Error('cache down')),
  set: async () => Promise.reject(new Error('cache down')),
  delete: async () => Promise.reject(new Error('cache down')),
  deleteByPrefix: async () => Promise.reject(new Error('cache down')),
  ping: async () => Promise.reject(new Error('cache down')),
};

const ADMIN: Actor = { userId: 'admin', permissions: [{ resource: '*', action: '*' }], via: 'token' };

describe('Users :: use cases', () => {
  let c: Container;
  let register: RegisterUser;
  beforeEach(async () => {
    c = await embeddedContainer();
    register = c.get<RegisterUser>(TYPES.RegisterUser);
  });

  context('RegisterUser', () => {
    it('stores the user with the user role and queues one welcome e-mail keyed by the user', async () => {
      const result = await register.execute({ name: 'Grace Hopper', email: 'grace@navy.mil', password: STRONG_PASSWORD });
      if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
      const users = c.get<UserRepository>(TYPES.UserRepository);
      expect((await users.findById(result.right.id))?.email).to.equal('grace@navy.mil');
      expect(result.right.roleIds).to.have.length(1);
      const welcomes = (await c.get<JobQueue>(TYPES.JobQueue).list('email', 0, 100)).items.filter((j) => j.name === 'welcome' && (j.data as { to: string }).to === 'grace@navy.mil');
      expect(welcomes).to.have.length(1);
      const job = welcomes[0];
      expect(job?.id).to.match(/^outbox-[0-9a-f]{24}$/);
      // Queued sealed (the worker words it from the templates): kind and recipient in the clear, nothing else.
      expect(job?.data).to.have.keys('kind', 'to', 'sealed').and.deep.include({ kind: 'welcome', to: 'grace@navy.mil' });
      const stored = (await users.findCredentials(result.right.email))?.passwordHash ?? '';
      expect(stored).to.not.include(STRONG_PASSWORD);
      expect(await c.get<PasswordHasher>(TYPES.PasswordHasher).verify(stored, STRONG_PASSWORD)).to.equal(true);
    });

    it('reports every broken field and password rule together, and stores nothing', async () => {
      const result = await register.execute({ name: '', email: 'x@y.io', password: 'short' });
      expect(E.isLeft(result) && result.left._tag === 'ValidationFailed' && result.left.errors.map((e) => `${e.path}: ${e.message}`)).to.deep.equal([
        'name: is required',
        'password: must be at least 8 characters',
        'password: must contain an uppercase letter',
        'password: must contain a digit',
        'password: must contain a symbol',
        'password: is too easy to guess',
      ]);
      expect(await c.get<UserRepository>(TYPES.UserRepository).findByEmail('x@y.io' as never)).to.equal(null);
    });

    it("counts the person's own name and e-mail as easy guesses", async () => {
      const mine = await register.execute({ name: 'Maximilian Oberhauser', email: 'maximilian@oberhauser.de', password: 'Oberhauser1!' });
      expect(E.isLeft(mine) && mine.left._tag === 'ValidationFailed' && mine.left.errors.map((e) => e.message)).to.deep.equal(['is too easy to guess']);
      const someoneElses = await register.execute({ name: 'Jane Doe', email: 'jane@doe.io', password: 'Oberhauser1!' });
      expect(E.isRight(someoneElses)).to.equal(true);
    });

    it('refuses a taken e-mail whatever its case', async () => {
      await register.execute({ name: 'A', email: 'same@x.io', password: STRONG_PASSWORD });
      const result = await register.execute({ name: 'B', email: 'SAME@x.io', password: STRONG_PASSWORD });
      expect(result).to.deep.equal(E.left({ _tag: 'EmailAlreadyInUse', email: 'same@x.io' }));
    });
  });

  context('CachedUserLookup and UpdateUserProfile', () => {
    it('reads through a cache that is down', async () => {
      const users = new InMemoryUserRepository();
      const created = await register.execute({ name: 'C', email: 'c@x.io', password: STRONG_PASSWORD });
      if (E.isLeft(created)) throw new Error('expected a user');
      await users.insert(created.right);
      const result = await new CachedUserLookup(users, brokenCache, silentLogger()).find(created.right.id);
      expect(E.isRight(result) && result.right.email).to.equal('c@x.io');
    });

    it('returns UserNotFound for an unknown id', async () => {
      const result = await c.get(CachedUserLookup).find('0123456789abcdef01234567' as UserId);
      expect(result).to.deep.equal(E.left({ _tag: 'UserNotFound', userId: '0123456789abcdef01234567' }));
    });

    it('drops the cached copy after a change', async () => {
      const created = await register.execute({ name: 'D', email: 'd@x.io', password: STRONG_PASSWORD });
      if (E.isLeft(created)) throw new Error('expected a user');
      const id = created.right.id;
      const cache = c.get<Cache>(TYPES.Cache);
      await c.get(CachedUserLookup).find(id);
      expect(await cache.get(`user:${id}`)).to.not.equal(undefined);
      await c.get(UpdateUserProfile).execute(ADMIN, id, { name: 'Dee' });
      expect(await cache.get(`user:${id}`)).to.equal(undefined);
    });

    it('answers EmailAlreadyInUse when moving onto a taken address, and changes nothing', async () => {
      await register.execute({ name: 'E', email: 'e@x.io', password: STRONG_PASSWORD });
      const other = await register.execute({ name: 'F', email: 'f@x.io', password: STRONG_PASSWORD });
      if (E.isLeft(other)) throw new Error('expected a user');
      const result = await c.get(UpdateUserProfile).execute(ADMIN, other.right.id, { email: 'E@x.io' });
      expect(E.isLeft(result) && result.left._tag).to.equal('EmailAlreadyInUse');
      expect((await c.get<UserRepository>(TYPES.UserRepository).findById(other.right.id))?.email).to.equal('f@x.io');
    });

    it('is a separate cache instance per container (no state shared between tests)', async () => {
      const mine = c.get<Cache>(TYPES.Cache);
      await mine.set('probe', 1, 60);
      const other = (await embeddedContainer()).get<Cache>(TYPES.Cache);
      expect(other).to.not.equal(mine);
      expect(await other.get('probe')).to.equal(undefined);
    });
  });
});
