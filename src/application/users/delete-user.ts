import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { RoleError } from '../../domain/roles/role.errors';
import type { UserId } from '../../domain/users/user';
import { concurrentModification, type UserError, userNotFound, userVersionMismatch } from '../../domain/users/user.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { authorize, refuseOutranked } from '../authorization';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { UserRepository } from '../ports/user-repository.port';
import { PermissionResolver } from '../roles/permission-resolver';
import { SuperuserGuard } from '../roles/superuser-guard';
import { TYPES } from '../symbols';
import { UserCredentials } from './user-credentials';

type Deleted = Promise<E.Either<AuthError | UserError | RoleError, void>>;

/**
 * Soft delete, with `users:delete`: the user vanishes from reads, cannot log in, and loses every
 * session and API key for good (revoked, so a restore does not bring them back). Only by someone
 * holding every permission the user holds, and never the last holder of `*:*`: checked and
 * written under the superuser guard.
 */
@injectable()
export class DeleteUser {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(UserCredentials) private readonly credentials: UserCredentials,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(PermissionResolver) private readonly permissions: PermissionResolver,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  /** With `ifVersion` (from If-Match), deletes only over one of those versions, in the same atomic step. */
  async execute(actor: Actor, id: UserId, ifVersion?: readonly number[]): Deleted {
    const allowed = authorize(actor, 'users', 'delete');
    if (E.isLeft(allowed)) return allowed;
    return this.guard.exclusively(() => this.deleteNow(actor, id, ifVersion));
  }

  private async deleteNow(actor: Actor, id: UserId, ifVersion?: readonly number[]): Deleted {
    const user = await this.users.findById(id);
    if (!user || user.isDeleted) return E.left(userNotFound(id));
    const reachable = refuseOutranked(actor, await this.permissions.of(user));
    if (E.isLeft(reachable)) return reachable;
    if (ifVersion && !ifVersion.includes(user.version)) return E.left(userVersionMismatch(id));
    const now = this.clock.now();
    const deleted = { ...user, isDeleted: true, deletedAt: now, updatedAt: now, version: user.version + 1 };
    const keeps = await this.guard.userMayChange(user, deleted);
    if (E.isLeft(keeps)) return keeps;
    const written = await this.users.update(deleted);
    if (written !== 'updated') return E.left(written === 'not-found' ? userNotFound(id) : ifVersion ? userVersionMismatch(id) : concurrentModification(id));
    const revoked = await this.credentials.revokeAll(id, now);
    await this.accessCache.forgetUser(id);
    await this.audit.record({ actorId: actor.userId, action: 'user.deleted', target: { type: 'user', id }, after: revoked });
    return E.right(undefined);
  }
}
