import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { RoleId } from '../../domain/roles/role';
import { type RoleError, roleNotFound } from '../../domain/roles/role.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { authorize, refuseEscalation } from '../authorization';
import type { RoleRepository } from '../ports/role-repository.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { AccessCache } from '../cache/access-cache';
import { roleSnapshot } from './role-snapshot';
import { SuperuserGuard } from './superuser-guard';

type DeleteRoleResult = Promise<E.Either<AuthError | RoleError, void>>;

/**
 * Needs `roles:delete` and every permission the role carries. Built-in roles and roles someone
 * still holds are kept; runs under the `*:*` guard, since the role may be what grants `*:*`.
 */
@injectable()
export class DeleteRole {
  constructor(
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
  ) {}

  async execute(actor: Actor, id: RoleId): DeleteRoleResult {
    const allowed = authorize(actor, 'roles', 'delete');
    if (E.isLeft(allowed)) return allowed;
    return this.guard.exclusively(() => this.deleteNow(actor, id));
  }

  private async deleteNow(actor: Actor, id: RoleId): DeleteRoleResult {
    const role = await this.roles.findById(id);
    if (!role) return E.left(roleNotFound(id));
    if (role.system) return E.left({ _tag: 'SystemRoleProtected', name: role.name });
    const grantable = refuseEscalation(actor, role.permissions);
    if (E.isLeft(grantable)) return grantable;
    const members = await this.users.countWithRole(id);
    if (members > 0) return E.left({ _tag: 'RoleInUse', roleId: id, users: members });
    const keeps = await this.guard.roleMayChange(id, false);
    if (E.isLeft(keeps)) return keeps;
    await this.roles.delete(id);
    await this.accessCache.forgetAllPermissions();
    await this.audit.record({ actorId: actor.userId, action: 'role.deleted', target: { type: 'role', id }, before: roleSnapshot(role) });
    return E.right(undefined);
  }
}
