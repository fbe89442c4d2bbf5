import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { User, UserId } from '../../domain/users/user';
import { type UserError, userNotFound } from '../../domain/users/user.errors';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from '../cache/cache-keys';
import { loadAndFill, peek } from '../cache/cache-aside';
import type { Cache } from '../ports/cache.port';
import type { Logger } from '../ports/logger.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/** A user as the cache holds it: JSON, dates as ISO strings. */
export type CachedUser = Omit<User, 'createdAt' | 'updatedAt' | 'deletedAt' | 'emailVerifiedAt'> & {
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  emailVerifiedAt: string | null;
};

const toCachedUser = (u: User): CachedUser => ({
  ...u,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
  deletedAt: u.deletedAt ? u.deletedAt.toISOString() : null,
  emailVerifiedAt: u.emailVerifiedAt ? u.emailVerifiedAt.toISOString() : null,
});

const fromCachedUser = (c: CachedUser): User => ({
  ...c,
  createdAt: new Date(c.createdAt),
  updatedAt: new Date(c.updatedAt),
  deletedAt: c.deletedAt === null ? null : new Date(c.deletedAt),
  // Entries cached before e-mail verification existed have neither field: unverified.
  emailVerified: c.emailVerified === true,
  emailVerifiedAt: c.emailVerified === true && typeof c.emailVerifiedAt === 'string' ? new Date(c.emailVerifiedAt) : null,
});

/** The users made from frozen cache entries: one per entry, frozen too, kept as long as the entry is. */
const shared = new WeakMap<CachedUser, User>();

/**
 * The user of a cache entry. A frozen entry is one object every reader of the cache shares
 * (InMemoryCache, TwoLevelCache's first level), which cannot change: its user is made once (the
 * dates parsed once) and shared, frozen, so whatever is derived from it can be kept with it
 * (the HTTP adapter keeps its view). A fresh entry (a copy of its own, as Redis gives) makes a
 * fresh user. Nothing changes a `Date` of a user (its fields are readonly; dates are replaced,
 * never set).
 */
const userOf = (c: CachedUser): User => {
  if (!Object.isFrozen(c)) return fromCachedUser(c);
  let user = shared.get(c);
  if (user === undefined) {
    user = Object.freeze(fromCachedUser(c));
    shared.set(c, user);
  }
  return user;
};

/**
 * The internal, cached lookup of one visible (not deleted) user by id, with no authorization:
 * for authentication and for use cases that have already checked the caller. Callers outside
 * the application use `ReadUser`, which enforces who may read whom.
 */
@injectable()
export class CachedUserLookup {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async find(id: UserId): Promise<E.Either<UserError, User>> {
    const [cached] = await peek(this.cache, this.logger, CACHE_KEYS.user(id));
    return this.resolve(id, cached as CachedUser | undefined);
  }

  /**
   * Finishes a lookup whose cache read of `CACHE_KEYS.user(id)` the caller already made, together
   * with keys of its own (see `LiveSessions`): a miss loads the user and fills the cache.
   */
  async resolve(id: UserId, cached: CachedUser | undefined): Promise<E.Either<UserError, User>> {
    const found =
      cached ??
      (await loadAndFill(this.cache, this.logger, CACHE_KEYS.user(id), CACHE_TTL_SECONDS.user, async () => {
        const user = await this.users.findById(id);
        return user && !user.isDeleted ? toCachedUser(user) : null;
      }));
    return found ? E.right(userOf(found)) : E.left(userNotFound(id));
  }
}
