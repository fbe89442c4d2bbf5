import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { User, UserId } from '../../domain/users/user';
import { type UserError, userNotFound } from '../../domain/users/user.errors';
import { loadAndFill, peek } from '../cache-aside';
import type { Cache } from '../ports/cache.port';
import type { Logger } from '../ports/logger.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { type CachedUser, fromCachedUser, toCachedUser, USER_CACHE_TTL_SECONDS, userCacheKey } from './user-cache';

/** Reads one visible user, through the cache. */
@injectable()
export class GetUser {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async execute(id: UserId): Promise<E.Either<UserError, User>> {
    const [cached] = await peek(this.cache, this.logger, userCacheKey(id));
    return this.resolve(id, cached as CachedUser | undefined);
  }

  /**
   * Finishes a read whose cache lookup of `userCacheKey(id)` the caller already made, together
   * with keys of its own (see `LiveSessions`): a miss loads the user and fills the cache.
   */
  async resolve(id: UserId, cached: CachedUser | undefined): Promise<E.Either<UserError, User>> {
    const found =
      cached ??
      (await loadAndFill(this.cache, this.logger, userCacheKey(id), USER_CACHE_TTL_SECONDS, async () => {
        const user = await this.users.findById(id);
        return user && !user.isDeleted ? toCachedUser(user) : null;
      }));
    return found ? E.right(fromCachedUser(found)) : E.left(userNotFound(id));
  }
}
