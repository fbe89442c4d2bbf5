import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryCache } from '../../../src/adapters/memory/in-memory-cache';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository';
import { InProcessJobQueue } from '../../../src/adapters/memory/in-process-job-queue';
import { ObjectIdGenerator } from '../../../src/adapters/system/object-id-generator';
import type { Cache } from '../../../src/application/ports/cache.port';
import type { Clock } from '../../../src/application/ports/clock.port';
import type { EnqueueOptions, JobQueue } from '../../../src/application/ports/job-queue.port';
import { CreateUser } from '../../../src/application/users/create-user';
import { GetUser } from '../../../src/application/users/get-user';
import { UpdateUser } from '../../../src/application/users/update-user';
import { DEFAULT_RETRY_POLICIES } from '../../../src/domain/jobs/job';
import type { UserId } from '../../../src/domain/users/user';
import { silentLogger } from '../../support/logger';

const fixedClock = (iso = '2026-03-01T12:00:00Z'): Clock => ({ now: () => new Date(iso) });

/** A cache whose every call fails, as Redis does when it is down. */
const brokenCache: Cache = {
  get: async () => Promise.reject(new Error('cache down')),
  set: async () => Promise.reject(new Error('cache down')),
  delete: async () => Promise.reject(new Error('cache down')),
  deleteByPrefix: async () => Promise.reject(new Error('cache down')),
  ping: async () => Promise.reject(new Error('cache down')),
};

describe('Users :: use cases', () => {
  let users: InMemoryUserRepository;
  let queue: InProcessJobQueue;
  let cache: InMemoryCache;
  const logger = silentLogger();

  beforeEach(() => {
    users = new InMemoryUserRepository();
    queue = new InProcessJobQueue(logger, { concurrency: 1, retry: DEFAULT_RETRY_POLICIES });
    cache = new InMemoryCache();
  });

  const createUser = () => new CreateUser(users, queue, new ObjectIdGenerator(), fixedClock());

  context('CreateUser', () => {
    it('stores the user and queues one welcome e-mail keyed by the user', async () => {
      const result = await createUser().execute({ name: 'Grace', email: 'grace@navy.mil' }, 'req-1');
      if (E.isLeft(result)) throw new Error('expected a user');
      const stored = await users.findById(result.right.id);
      expect(stored?.email).to.equal('grace@navy.mil');
      const job = await queue.get('email', `welcome-${result.right.id}`);
      expect(job).to.include({ name: 'welcome', state: 'pending', requestId: 'req-1' });
      expect(job?.data).to.deep.include({ to: 'grace@navy.mil', subject: 'Welcome to Nexus' });
    });

    it('refuses a taken e-mail and queues nothing for it', async () => {
      await createUser().execute({ name: 'A', email: 'same@x.io' });
      const result = await createUser().execute({ name: 'B', email: 'SAME@x.io' });
      expect(result).to.deep.equal(E.left({ _tag: 'EmailAlreadyInUse', email: 'same@x.io' }));
      expect((await queue.list('email', 0, 10)).total).to.equal(1);
    });

    it('returns ValidationFailed and stores nothing for bad input', async () => {
      const result = await createUser().execute({ name: '', email: 'bad' });
      expect(E.isLeft(result) && result.left._tag).to.equal('ValidationFailed');
    });

    it('keeps the user when the queue fails, and says so by throwing', async () => {
      const failing: JobQueue = { ...queue, enqueue: async (_q: string, _n: string, _d: unknown, _o?: EnqueueOptions) => Promise.reject(new Error('queue down')) } as unknown as JobQueue;
      const useCase = new CreateUser(users, failing, new ObjectIdGenerator(), fixedClock());
      const error = await useCase.execute({ name: 'Q', email: 'q@x.io' }).catch((e: Error) => e);
      expect((error as Error).message).to.equal('queue down');
      expect(await users.findByEmail('q@x.io' as never)).to.not.equal(null);
    });
  });

  context('GetUser', () => {
    it('reads through a cache that is down', async () => {
      const created = await createUser().execute({ name: 'C', email: 'c@x.io' });
      if (E.isLeft(created)) throw new Error('expected a user');
      const result = await new GetUser(users, brokenCache, logger).execute(created.right.id);
      expect(E.isRight(result) && result.right.email).to.equal('c@x.io');
    });

    it('returns UserNotFound for an unknown id', async () => {
      const result = await new GetUser(users, cache, logger).execute('0123456789abcdef01234567' as UserId);
      expect(result).to.deep.equal(E.left({ _tag: 'UserNotFound', userId: '0123456789abcdef01234567' }));
    });
  });

  context('UpdateUser', () => {
    it('drops the cached copy after a change', async () => {
      const created = await createUser().execute({ name: 'D', email: 'd@x.io' });
      if (E.isLeft(created)) throw new Error('expected a user');
      const id = created.right.id;
      await new GetUser(users, cache, logger).execute(id);
      expect(await cache.get(`user:${id}`)).to.not.equal(undefined);
      await new UpdateUser(users, cache, fixedClock(), logger).execute(id, { name: 'Dee' });
      expect(await cache.get(`user:${id}`)).to.equal(undefined);
    });

    it('answers EmailAlreadyInUse when moving onto a taken address, and changes nothing', async () => {
      await createUser().execute({ name: 'E', email: 'e@x.io' });
      const other = await createUser().execute({ name: 'F', email: 'f@x.io' });
      if (E.isLeft(other)) throw new Error('expected a user');
      const result = await new UpdateUser(users, cache, fixedClock(), logger).execute(other.right.id, { email: 'E@x.io' });
      expect(E.isLeft(result) && result.left._tag).to.equal('EmailAlreadyInUse');
      expect((await users.findById(other.right.id))?.email).to.equal('f@x.io');
    });
  });
});
