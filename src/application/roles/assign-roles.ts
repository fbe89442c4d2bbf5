import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import { type AuthError, cannotGrant } from '../../domain/auth/auth.errors';
import { notCovered } from '../../domain/roles/permission';
import type { Role, RoleId } from '../../domain/roles/role';
import { type RoleError, roleNotFound } from '../../domain/roles/role.errors';
import type { User, UserId } from '../../domain/users/user';
import { concurrentModification, type UserError, userNotFound } from '../../domain/users/user.errors';
import { AuditRecorder, authorize } from '../access';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { Logger } from '../ports/logger.port';
import type { RoleRepository } from '../ports/role-repository.port';
import type { UnitOfWork } from '../ports/unit-of-work.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { SuperuserGuard } from './superuser-guard';

type AssignResult = Promise<E.Either<AuthError | RoleError | UserError, User>>;

/**
 * Assigning, unassigning and transferring roles. Granting a role needs `roles:assign` and every
 * permission the role carries, so nobody hands out more than they hold.
 */
@injectable()
export class AssignRoles {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
  ) {}

  async assign(actor: Actor, userId: UserId, roleId: RoleId): AssignResult {
    const loaded = await this.load(actor, userId, roleId);
    if (E.isLeft(loaded)) return loaded;
    const { user, role } = loaded.right;
    if (user.roleIds.includes(role.id)) return E.left({ _tag: 'RoleAlreadyAssigned', roleId });
    const changed = this.withRoles(user, [...user.roleIds, role.id]);
    return this.save(changed, async () => {
      await this.audit.record({ actorId: actor.userId, action: 'user.role.assigned', target: { type: 'user', id: user.id }, after: { roleId, role: role.name } });
    });
  }

  /** Under the `*:*` guard: the last holder of everything cannot lose it. */
  async unassign(actor: Actor, userId: UserId, roleId: RoleId): AssignResult {
    const allowed = authorize(actor, 'roles', 'assign');
    if (E.isLeft(allowed)) return allowed;
    return this.guard.exclusively(async (): AssignResult => {
      const loaded = await this.load(actor, userId, roleId);
      if (E.isLeft(loaded)) return loaded;
      const { user, role } = loaded.right;
      if (!user.roleIds.includes(role.id)) return E.left({ _tag: 'RoleNotAssigned', roleId });
      const changed = this.withRoles(user, user.roleIds.filter((r) => r !== role.id));
      const keeps = await this.guard.userMayChange(user, changed);
      if (E.isLeft(keeps)) return keeps;
      return this.save(changed, async () => {
        await this.audit.record({ actorId: actor.userId, action: 'user.role.unassigned', target: { type: 'user', id: user.id }, before: { roleId, role: role.name } });
      });
    });
  }

  /**
   * Swaps one role for another together with its audit entry: in one transaction where the
   * store has them; otherwise the user is written first (one atomic document update) and, if
   * the audit entry then fails, the swap is undone, so a transfer is never done unrecorded.
   */
  async transfer(actor: Actor, userId: UserId, fromRoleId: RoleId, toRoleId: RoleId): AssignResult {
    const allowed = authorize(actor, 'roles', 'assign');
    if (E.isLeft(allowed)) return allowed;
    return this.guard.exclusively(() => this.transferNow(actor, userId, fromRoleId, toRoleId));
  }

  private async transferNow(actor: Actor, userId: UserId, fromRoleId: RoleId, toRoleId: RoleId): AssignResult {
    const from = await this.load(actor, userId, fromRoleId);
    if (E.isLeft(from)) return from;
    const to = await this.load(actor, userId, toRoleId);
    if (E.isLeft(to)) return to;
    const { user } = from.right;
    if (!user.roleIds.includes(fromRoleId)) return E.left({ _tag: 'RoleNotAssigned', roleId: fromRoleId });
    if (user.roleIds.includes(toRoleId)) return E.left({ _tag: 'RoleAlreadyAssigned', roleId: toRoleId });
    const changed = this.withRoles(user, [...user.roleIds.filter((r) => r !== fromRoleId), toRoleId]);
    const keeps = await this.guard.userMayChange(user, changed);
    if (E.isLeft(keeps)) return keeps;
    const facts = {
      actorId: actor.userId,
      action: 'user.role.transferred' as const,
      target: { type: 'user', id: user.id },
      before: { roleId: fromRoleId, role: from.right.role.name },
      after: { roleId: toRoleId, role: to.right.role.name },
    };

    const outcome = await this.uow.run(async (tx) => {
      const written = await this.users.update(changed, tx);
      if (written !== 'updated') return written;
      if (this.uow.atomic) {
        await this.audit.record(facts, tx);
        return written;
      }
      try {
        await this.audit.record(facts);
      } catch (err) {
        await this.undo(changed, user);
        throw err;
      }
      return written;
    });
    if (outcome === 'not-found') return E.left(userNotFound(userId));
    if (outcome !== 'updated') return E.left(concurrentModification(userId));
    await this.afterWrite(user.id);
    return E.right(changed);
  }

  private async undo(changed: User, original: User): Promise<void> {
    const reverted = { ...original, version: changed.version + 1, updatedAt: this.clock.now() };
    const result = await this.users.update(reverted).catch(() => 'failed' as const);
    if (result !== 'updated') this.logger.error('role transfer could not be undone after its audit entry failed', { userId: original.id });
  }

  private async load(actor: Actor, userId: UserId, roleId: RoleId): Promise<E.Either<AuthError | RoleError | UserError, { user: User; role: Role }>> {
    const allowed = authorize(actor, 'roles', 'assign');
    if (E.isLeft(allowed)) return allowed;
    const [user, role] = await Promise.all([this.users.findById(userId), this.roles.findById(roleId)]);
    if (!user || user.isDeleted) return E.left(userNotFound(userId));
    if (!role) return E.left(roleNotFound(roleId));
    const escalation = notCovered(actor.permissions, role.permissions);
    if (escalation.length > 0) return E.left(cannotGrant(escalation));
    return E.right({ user, role });
  }

  private withRoles(user: User, roleIds: string[]): User {
    return { ...user, roleIds, updatedAt: this.clock.now(), version: user.version + 1 };
  }

  private async save(changed: User, record: () => Promise<void>): AssignResult {
    const written = await this.users.update(changed);
    if (written === 'not-found') return E.left(userNotFound(changed.id));
    if (written !== 'updated') return E.left(concurrentModification(changed.id));
    await record();
    await this.afterWrite(changed.id);
    return E.right(changed);
  }

  private async afterWrite(userId: string): Promise<void> {
    await this.accessCache.forgetUser(userId);
  }
}
