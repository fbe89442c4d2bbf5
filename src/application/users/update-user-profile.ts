import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { actsAsSelf, type Actor, can } from '../../domain/auth/actor';
import { type AuthError, permissionDenied } from '../../domain/auth/auth.errors';
import type { RoleError } from '../../domain/roles/role.errors';
import { type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { changeUser, emailChanged, type User, type UserChanges, type UserId } from '../../domain/users/user';
import { concurrentModification, emailAlreadyInUse, type UserError, userNotFound, userVersionMismatch } from '../../domain/users/user.errors';
import { EmailVerification } from '../account/email-verification';
import { AuditRecorder } from '../audit/audit-recorder';
import { refuseOutranked } from '../authorization';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { UserRepository } from '../ports/user-repository.port';
import { PermissionResolver } from '../roles/permission-resolver';
import { SuperuserGuard } from '../roles/superuser-guard';
import { TYPES } from '../symbols';
import { UserCredentials } from './user-credentials';

type Updated = Promise<E.Either<ValidationFailed | AuthError | UserError | RoleError, User>>;

/** What a user may change about themselves without `users:update`. */
const SELF_EDITABLE: readonly (keyof UserChanges)[] = ['name', 'age'];

/**
 * Changes a user's profile fields (name, e-mail, age, status). Anyone signed in with a token
 * may change their own name and age; anything else needs `users:update`, and changing someone
 * else needs every permission they hold. A status change can suspend the last holder of `*:*`,
 * so it is checked and written under the superuser guard; a suspension ends every session and
 * API key of the user for good. Every change is audited with what it was and what it became.
 * A new e-mail address is unverified: it gets a verification link, and the old address a notice.
 */
@injectable()
export class UpdateUserProfile {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(PermissionResolver) private readonly permissions: PermissionResolver,
    @inject(UserCredentials) private readonly credentials: UserCredentials,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(EmailVerification) private readonly verification: EmailVerification,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  /** With `ifVersion` (from If-Match), writes only over one of those versions, in the same atomic step. */
  async execute(actor: Actor, id: UserId, changes: UserChanges, ifVersion?: readonly number[]): Updated {
    if (!can(actor, 'users', 'update')) {
      const beyondSelf = (Object.keys(changes) as (keyof UserChanges)[]).filter((k) => changes[k] !== undefined && !SELF_EDITABLE.includes(k));
      if (!actsAsSelf(actor, id) || beyondSelf.length > 0) return E.left(permissionDenied('users:update'));
    }
    return changes.status === undefined ? this.write(actor, id, changes, ifVersion) : this.guard.exclusively(() => this.write(actor, id, changes, ifVersion));
  }

  private async write(actor: Actor, id: UserId, changes: UserChanges, ifVersion?: readonly number[]): Updated {
    const current = await this.users.findById(id);
    if (!current || current.isDeleted) return E.left(userNotFound(id));
    if (!actsAsSelf(actor, id)) {
      const reachable = refuseOutranked(actor, await this.permissions.of(current));
      if (E.isLeft(reachable)) return reachable;
    }
    if (ifVersion && !ifVersion.includes(current.version)) return E.left(userVersionMismatch(id));
    if (changes.status !== undefined) {
      const keeps = await this.guard.userMayChange(current, { ...current, status: changes.status });
      if (E.isLeft(keeps)) return keeps;
    }
    const changed = changeUser(current, changes, this.clock.now());
    if (E.isLeft(changed)) return E.left(validationFailed(changed.left));

    const outcome = await this.users.update(changed.right);
    await this.accessCache.forgetUser(id);
    switch (outcome) {
      case 'updated':
        await this.afterUpdate(actor, current, changed.right);
        return E.right(changed.right);
      case 'not-found':
        return E.left(userNotFound(id));
      case 'email-taken':
        return E.left(emailAlreadyInUse(changed.right.email));
      case 'version-conflict':
        return E.left(ifVersion ? userVersionMismatch(id) : concurrentModification(id));
    }
  }

  private async afterUpdate(actor: Actor, before: User, after: User): Promise<void> {
    if (after.status === 'suspended' && before.status !== 'suspended') await this.credentials.revokeAll(after.id, this.clock.now());
    const fields = (['name', 'email', 'age', 'status'] as const).filter((k) => before[k] !== after[k]);
    const pick = (u: User) => Object.fromEntries(fields.map((k) => [k, u[k]]));
    await this.audit.record({ actorId: actor.userId, action: 'user.updated', target: { type: 'user', id: after.id }, before: pick(before), after: pick(after) });
    if (emailChanged(before, after)) await this.verification.addressChanged(actor.userId, before, after);
  }
}
