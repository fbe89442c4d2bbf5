import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { RoleId } from '../../domain/roles/role';
import type { RoleError } from '../../domain/roles/role.errors';
import type { User, UserId } from '../../domain/users/user';
import type { UserError } from '../../domain/users/user.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { authorize } from '../authorization';
import { GrantableRoleLookup } from './grantable-role-lookup';
import { UserRolesWriter } from './user-roles-writer';

/**
 * Gives a user one more role. Needs `roles:assign` and every permission the role carries, so
 * nobody hands out more than they hold. Adding a holder of `*:*` needs no guard.
 */
@injectable()
export class AssignRole {
  constructor(
    @inject(GrantableRoleLookup) private readonly lookup: GrantableRoleLookup,
    @inject(UserRolesWriter) private readonly writer: UserRolesWriter,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  async execute(actor: Actor, userId: UserId, roleId: RoleId): Promise<E.Either<AuthError | RoleError | UserError, User>> {
    const allowed = authorize(actor, 'roles', 'assign');
    if (E.isLeft(allowed)) return allowed;
    const found = await this.lookup.find(actor, userId, roleId);
    if (E.isLeft(found)) return found;
    const { user, role } = found.right;
    if (user.roleIds.includes(role.id)) return E.left({ _tag: 'RoleAlreadyAssigned', roleId });
    const changed = this.writer.withRoles(user, [...user.roleIds, role.id]);
    return this.writer.save(changed, async () => {
      await this.audit.record({ actorId: actor.userId, action: 'user.role.assigned', target: { type: 'user', id: user.id }, after: { roleId, role: role.name } });
    });
  }
}
