import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type Actor, holdsEverything } from '../../domain/auth/actor';
import { type AuthError, cannotGrant } from '../../domain/auth/auth.errors';
import { grantsEverything, notCovered } from '../../domain/roles/permission';
import { ADMIN_ROLE, changeRole, newRole, type Role, type RoleChanges, type RoleId, type RoleInput } from '../../domain/roles/role';
import { type RoleError, roleNotFound } from '../../domain/roles/role.errors';
import { type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { AuditRecorder, authorize } from '../access';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { RoleRepository } from '../ports/role-repository.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { SuperuserGuard } from './superuser-guard';

type RoleResult<A> = Promise<E.Either<ValidationFailed | AuthError | RoleError, A>>;

const nameTaken = (name: string): RoleError => ({ _tag: 'RoleNameTaken', name });

/** Role CRUD. Nobody can put a permission into a role that they do not hold themselves. */
@injectable()
export class ManageRoles {
  constructor(
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
  ) {}

  async list(actor: Actor): RoleResult<Role[]> {
    const allowed = authorize(actor, 'roles', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.roles.list());
  }

  async get(actor: Actor, id: RoleId): RoleResult<Role> {
    const allowed = authorize(actor, 'roles', 'read');
    if (E.isLeft(allowed)) return allowed;
    const role = await this.roles.findById(id);
    return role ? E.right(role) : E.left(roleNotFound(id));
  }

  async create(actor: Actor, input: RoleInput): RoleResult<Role> {
    const allowed = authorize(actor, 'roles', 'create');
    if (E.isLeft(allowed)) return allowed;
    const built = newRole(this.ids.next() as RoleId, input, this.clock.now());
    if (E.isLeft(built)) return E.left(validationFailed(built.left));
    const escalation = notCovered(actor.permissions, built.right.permissions);
    if (escalation.length > 0) return E.left(cannotGrant(escalation));
    if ((await this.roles.insert(built.right)) === 'name-taken') return E.left(nameTaken(built.right.name));
    await this.audit.record({ actorId: actor.userId, action: 'role.created', target: { type: 'role', id: built.right.id }, after: snapshot(built.right) });
    return E.right(built.right);
  }

  /**
   * Built-in roles: `admin` never changes, `user` (every sign-up's role) only by a holder of
   * `*:*`. A change of permissions runs under the `*:*` guard, since it can take `*:*` away.
   */
  async update(actor: Actor, id: RoleId, changes: RoleChanges): RoleResult<Role> {
    const allowed = authorize(actor, 'roles', 'update');
    if (E.isLeft(allowed)) return allowed;
    return changes.permissions === undefined ? this.updateNow(actor, id, changes) : this.guard.exclusively(() => this.updateNow(actor, id, changes));
  }

  private async updateNow(actor: Actor, id: RoleId, changes: RoleChanges): RoleResult<Role> {
    const current = await this.roles.findById(id);
    if (!current) return E.left(roleNotFound(id));
    if (current.system && current.name === ADMIN_ROLE) return E.left({ _tag: 'BuiltInRoleFrozen', name: current.name });
    if (current.system && !holdsEverything(actor)) return E.left({ _tag: 'BuiltInRoleNeedsSuperuser', name: current.name });
    const changed = changeRole(current, changes, this.clock.now());
    if (E.isLeft(changed)) return E.left(validationFailed(changed.left));
    // Editing a role you could not create is escalation too, whether adding or removing.
    const escalation = notCovered(actor.permissions, [...current.permissions, ...changed.right.permissions]);
    if (escalation.length > 0) return E.left(cannotGrant(escalation));
    const keeps = await this.guard.roleMayChange(id, grantsEverything(changed.right.permissions));
    if (E.isLeft(keeps)) return keeps;
    const saved = await this.roles.update(changed.right);
    if (saved === 'name-taken') return E.left(nameTaken(changed.right.name));
    if (saved === 'not-found') return E.left(roleNotFound(id));
    if (saved === 'version-conflict') return E.left({ _tag: 'RoleChanged', roleId: id });
    await this.accessCache.forgetAllPermissions();
    const builtIn = current.system ? { builtIn: true } : {};
    await this.audit.record({ actorId: actor.userId, action: 'role.updated', target: { type: 'role', id }, before: { ...snapshot(current), ...builtIn }, after: { ...snapshot(changed.right), ...builtIn } });
    return E.right(changed.right);
  }

  async delete(actor: Actor, id: RoleId): RoleResult<void> {
    const allowed = authorize(actor, 'roles', 'delete');
    if (E.isLeft(allowed)) return allowed;
    return this.guard.exclusively(() => this.deleteNow(actor, id));
  }

  private async deleteNow(actor: Actor, id: RoleId): RoleResult<void> {
    const role = await this.roles.findById(id);
    if (!role) return E.left(roleNotFound(id));
    if (role.system) return E.left({ _tag: 'SystemRoleProtected', name: role.name });
    const escalation = notCovered(actor.permissions, role.permissions);
    if (escalation.length > 0) return E.left(cannotGrant(escalation));
    const members = await this.users.countWithRole(id);
    if (members > 0) return E.left({ _tag: 'RoleInUse', roleId: id, users: members });
    const keeps = await this.guard.roleMayChange(id, false);
    if (E.isLeft(keeps)) return keeps;
    await this.roles.delete(id);
    await this.accessCache.forgetAllPermissions();
    await this.audit.record({ actorId: actor.userId, action: 'role.deleted', target: { type: 'role', id }, before: snapshot(role) });
    return E.right(undefined);
  }
}

const snapshot = (r: Role) => ({ name: r.name, permissions: r.permissions.map((p) => `${p.resource}:${p.action}`) });
