import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type Actor, holdsEverything } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { grantsEverything } from '../../domain/roles/permission';
import { ADMIN_ROLE, changeRole, type Role, type RoleChanges, type RoleId } from '../../domain/roles/role';
import { type RoleError, roleNameTaken, roleNotFound } from '../../domain/roles/role.errors';
import { type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { AuditRecorder } from '../audit/audit-recorder';
import { authorize, refuseEscalation } from '../authorization';
import type { Clock } from '../ports/clock.port';
import type { RoleRepository } from '../ports/role-repository.port';
import { TYPES } from '../symbols';
import { AccessCache } from '../cache/access-cache';
import { roleSnapshot } from './role-snapshot';
import { SuperuserGuard } from './superuser-guard';

type UpdateRoleResult = Promise<E.Either<ValidationFailed | AuthError | RoleError, Role>>;

/**
 * Needs `roles:update`, and every permission the role holds before and after. Built-in roles:
 * `admin` never changes, `user` (every sign-up's role) only by a holder of `*:*`. A change of
 * permissions runs under the `*:*` guard, since it can take `*:*` away.
 */
@injectable()
export class UpdateRole {
  constructor(
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
  ) {}

  async execute(actor: Actor, id: RoleId, changes: RoleChanges): UpdateRoleResult {
    const allowed = authorize(actor, 'roles', 'update');
    if (E.isLeft(allowed)) return allowed;
    return changes.permissions === undefined ? this.updateNow(actor, id, changes) : this.guard.exclusively(() => this.updateNow(actor, id, changes));
  }

  private async updateNow(actor: Actor, id: RoleId, changes: RoleChanges): UpdateRoleResult {
    const current = await this.roles.findById(id);
    if (!current) return E.left(roleNotFound(id));
    if (current.system && current.name === ADMIN_ROLE) return E.left({ _tag: 'BuiltInRoleFrozen', name: current.name });
    if (current.system && !holdsEverything(actor)) return E.left({ _tag: 'BuiltInRoleNeedsSuperuser', name: current.name });
    const changed = changeRole(current, changes, this.clock.now());
    if (E.isLeft(changed)) return E.left(validationFailed(changed.left));
    // Editing a role you could not create is escalation too, whether adding or removing.
    const grantable = refuseEscalation(actor, [...current.permissions, ...changed.right.permissions]);
    if (E.isLeft(grantable)) return grantable;
    const keeps = await this.guard.roleMayChange(id, grantsEverything(changed.right.permissions));
    if (E.isLeft(keeps)) return keeps;
    const saved = await this.roles.update(changed.right);
    if (saved === 'name-taken') return E.left(roleNameTaken(changed.right.name));
    if (saved === 'not-found') return E.left(roleNotFound(id));
    if (saved === 'version-conflict') return E.left({ _tag: 'RoleChanged', roleId: id });
    await this.accessCache.forgetAllPermissions();
    const builtIn = current.system ? { builtIn: true } : {};
    await this.audit.record({ actorId: actor.userId, action: 'role.updated', target: { type: 'role', id }, before: { ...roleSnapshot(current), ...builtIn }, after: { ...roleSnapshot(changed.right), ...builtIn } });
    return E.right(changed.right);
  }
}
