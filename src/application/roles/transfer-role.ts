import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { RoleId } from '../../domain/roles/role';
import type { RoleError } from '../../domain/roles/role.errors';
import type { User, UserId } from '../../domain/users/user';
import { concurrentModification, type UserError, userNotFound } from '../../domain/users/user.errors';
import { type AuditFacts, AuditRecorder } from '../audit/audit-recorder';
import { authorize } from '../authorization';
import type { Clock } from '../ports/clock.port';
import type { Logger } from '../ports/logger.port';
import type { UnitOfWork } from '../ports/unit-of-work.port';
import type { UpdateUserResult, UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { GrantableRoleLookup } from './grantable-role-lookup';
import { SuperuserGuard } from './superuser-guard';
import { UserRolesWriter } from './user-roles-writer';

type TransferRoleResult = Promise<E.Either<AuthError | RoleError | UserError, User>>;

/**
 * Swaps one of a user's roles for another, together with its audit entry. Needs `roles:assign`
 * and every permission both roles carry; runs under the `*:*` guard. In one transaction where
 * the store has them; otherwise the user is written first (one atomic document update) and, if
 * the audit entry then fails, the swap is undone, so a transfer is never done unrecorded.
 */
@injectable()
export class TransferRole {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.UnitOfWork) private readonly uow: UnitOfWork,
    @inject(GrantableRoleLookup) private readonly lookup: GrantableRoleLookup,
    @inject(UserRolesWriter) private readonly writer: UserRolesWriter,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async execute(actor: Actor, userId: UserId, fromRoleId: RoleId, toRoleId: RoleId): TransferRoleResult {
    const allowed = authorize(actor, 'roles', 'assign');
    if (E.isLeft(allowed)) return allowed;
    return this.guard.exclusively(() => this.transferNow(actor, userId, fromRoleId, toRoleId));
  }

  private async transferNow(actor: Actor, userId: UserId, fromRoleId: RoleId, toRoleId: RoleId): TransferRoleResult {
    const from = await this.lookup.find(actor, userId, fromRoleId);
    if (E.isLeft(from)) return from;
    const to = await this.lookup.find(actor, userId, toRoleId);
    if (E.isLeft(to)) return to;
    const { user } = from.right;
    if (!user.roleIds.includes(fromRoleId)) return E.left({ _tag: 'RoleNotAssigned', roleId: fromRoleId });
    if (user.roleIds.includes(toRoleId)) return E.left({ _tag: 'RoleAlreadyAssigned', roleId: toRoleId });
    const changed = this.writer.withRoles(user, [...user.roleIds.filter((r) => r !== fromRoleId), toRoleId]);
    const keeps = await this.guard.userMayChange(user, changed);
    if (E.isLeft(keeps)) return keeps;
    const outcome = await this.writeRecorded(user, changed, {
      actorId: actor.userId,
      action: 'user.role.transferred',
      target: { type: 'user', id: user.id },
      before: { roleId: fromRoleId, role: from.right.role.name },
      after: { roleId: toRoleId, role: to.right.role.name },
    });
    if (outcome === 'not-found') return E.left(userNotFound(userId));
    if (outcome !== 'updated') return E.left(concurrentModification(userId));
    await this.writer.forget(user.id);
    return E.right(changed);
  }

  private writeRecorded(user: User, changed: User, facts: AuditFacts): Promise<UpdateUserResult> {
    return this.uow.run(async (tx) => {
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
  }

  private async undo(changed: User, original: User): Promise<void> {
    const reverted = { ...original, version: changed.version + 1, updatedAt: this.clock.now() };
    const result = await this.users.update(reverted).catch(() => 'failed' as const);
    if (result !== 'updated') this.logger.error('role transfer could not be undone after its audit entry failed', { userId: original.id });
  }
}
