import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { actsAsSelf, type Actor, can } from '../../domain/auth/actor';
import { type AuthError, permissionDenied } from '../../domain/auth/auth.errors';
import type { User, UserId } from '../../domain/users/user';
import type { UserError } from '../../domain/users/user.errors';
import { CachedUserLookup } from './cached-user-lookup';

/**
 * One visible user, through the cache. Anyone signed in with a token reads themselves; anyone
 * else needs `users:read`. The caller's own account, which authentication already loaded, is
 * not loaded again.
 */
@injectable()
export class ReadUser {
  constructor(@inject(CachedUserLookup) private readonly lookup: CachedUserLookup) {}

  async execute(actor: Actor, id: UserId): Promise<E.Either<AuthError | UserError, User>> {
    if (!actsAsSelf(actor, id) && !can(actor, 'users', 'read')) return E.left(permissionDenied('users:read'));
    return actor.user?.id === id ? E.right(actor.user) : this.lookup.find(id);
  }
}
