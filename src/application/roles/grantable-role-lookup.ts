import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { Role, RoleId } from '../../domain/roles/role';
import { type RoleError, roleNotFound } from '../../domain/roles/role.errors';
import type { User, UserId } from '../../domain/users/user';
import { type UserError, userNotFound } from '../../domain/users/user.errors';
import { refuseEscalation } from '../authorization';
import type { RoleRepository } from '../ports/role-repository.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/**
 * Finds the user and the role an assignment acts on, and refuses a role carrying a permission
 * the actor does not hold: granting or taking a role is handing out what it carries.
 */
@injectable()
export class GrantableRoleLookup {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
  ) {}

  async find(actor: Actor, userId: UserId, roleId: RoleId): Promise<E.Either<AuthError | RoleError | UserError, { user: User; role: Role }>> {
    const [user, role] = await Promise.all([this.users.findById(userId), this.roles.findById(roleId)]);
    if (!user || user.isDeleted) return E.left(userNotFound(userId));
    if (!role) return E.left(roleNotFound(roleId));
    const grantable = refuseEscalation(actor, role.permissions);
    return E.isLeft(grantable) ? grantable : E.right({ user, role });
  }
}
