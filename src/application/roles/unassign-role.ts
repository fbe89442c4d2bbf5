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
import { SuperuserGuard } from './superuser-guard';
import { UserRolesWriter } from './user-roles-writer';

type UnassignRoleResult = Promise<E.Either<AuthError | RoleError | UserError, User>>;

/**
 * Takes a role from a user. Needs `roles:assign` and every permission the role carries; runs
 * under the `*:*` guard: the last holder of everything cannot lose it.
 */
@injectable()
export class UnassignRole {
  constructor(
    @inject(GrantableRoleLookup) private readonly lookup: GrantableRoleLookup,
    @inject(UserRolesWriter) private readonly writer: UserRolesWriter,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
  ) {}

  async execute(actor: Actor, userId: UserId, roleId: RoleId): UnassignRoleResult {
    const allowed = authorize(actor, 'roles', 'assign');
    if (E.isLeft(allowed)) return allowed;
    return this.guard.exclusively(() => this.unassignNow(actor, userId, roleId));
  }

  private async unassignNow(actor: Actor, userId: UserId, roleId: RoleId): UnassignRoleResult {
    const found = await this.lookup.find(actor, userId, roleId);
    if (E.isLeft(found)) return found;
    const { user, role } = found.right;
    if (!user.roleIds.includes(role.id)) return E.left({ _tag: 'RoleNotAssigned', roleId });
    const changed = this.writer.withRoles(user, user.roleIds.filter((r) => r !== role.id));
    const keeps = await this.guard.userMayChange(user, changed);
    if (E.isLeft(keeps)) return keeps;
    return this.writer.save(changed, async () => {
      await this.audit.record({ actorId: actor.userId, action: 'user.role.unassigned', target: { type: 'user', id: user.id }, before: { roleId, role: role.name } });
    });
  }
}
