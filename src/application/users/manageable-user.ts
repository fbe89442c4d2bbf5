import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { User, UserId } from '../../domain/users/user';
import { type UserError, userNotFound } from '../../domain/users/user.errors';
import { authorize, refuseApiKey, refuseOutranked } from '../authorization';
import type { UserRepository } from '../ports/user-repository.port';
import { PermissionResolver } from '../roles/permission-resolver';
import { TYPES } from '../symbols';

/**
 * The user whose credentials an administrator wants to act on (see or end sessions, lift a
 * lockout, turn TOTP off), if the administrator may: signed in with a token (credentials are
 * never managed by an API key), holding the permission `needs`, and holding every permission the
 * user holds (nobody acts on the account of someone above them). An unknown or deleted user is
 * not found.
 */
@injectable()
export class ManageableUser {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(PermissionResolver) private readonly permissions: PermissionResolver,
  ) {}

  async find(actor: Actor, userId: UserId, needs: readonly [resource: string, action: string]): Promise<E.Either<AuthError | UserError, User>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const allowed = authorize(actor, ...needs);
    if (E.isLeft(allowed)) return allowed;
    const user = await this.users.findById(userId);
    if (!user || user.isDeleted) return E.left(userNotFound(userId));
    const reachable = refuseOutranked(actor, await this.permissions.of(user));
    return E.isLeft(reachable) ? reachable : E.right(user);
  }
}
