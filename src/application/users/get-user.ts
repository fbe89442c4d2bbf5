import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { User, UserId } from '../../domain/users/user';
import { type UserError, userNotFound } from '../../domain/users/user.errors';
import { cacheAside } from '../cache-aside';
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
    const cached = await cacheAside<CachedUser>(this.cache, this.logger, userCacheKey(id), USER_CACHE_TTL_SECONDS, async () => {
      const user = await this.users.findById(id);
      return user && !user.isDeleted ? toCachedUser(user) : null;
    });
    return cached ? E.right(fromCachedUser(cached)) : E.left(userNotFound(id));
  }
}
