import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { User, UserId } from '../../domain/users/user';
import { concurrentModification, type UserError, userNotFound } from '../../domain/users/user.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { authorize, refuseOutranked } from '../authorization';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { UserRepository } from '../ports/user-repository.port';
import { PermissionResolver } from '../roles/permission-resolver';
import { TYPES } from '../symbols';
import { UserCredentials } from './user-credentials';

/** Undoes a soft delete, with `users:restore`; the credentials revoked by the deletion stay revoked. */
@injectable()
export class RestoreUser {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(UserCredentials) private readonly credentials: UserCredentials,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(PermissionResolver) private readonly permissions: PermissionResolver,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, id: UserId): Promise<E.Either<AuthError | UserError, User>> {
    const allowed = authorize(actor, 'users', 'restore');
    if (E.isLeft(allowed)) return allowed;
    const user = await this.users.findById(id);
    if (!user || !user.isDeleted) return E.left(userNotFound(id));
    const reachable = refuseOutranked(actor, await this.permissions.of(user));
    if (E.isLeft(reachable)) return reachable;
    // Revoked again before the account comes back, in case the deletion stopped before doing it:
    // a deleted user cannot make new credentials, so everything it has predates the deletion.
    await this.credentials.revokeAll(id, this.clock.now());
    const restored = { ...user, isDeleted: false, deletedAt: null, updatedAt: this.clock.now(), version: user.version + 1 };
    const written = await this.users.update(restored);
    if (written !== 'updated') return E.left(written === 'not-found' ? userNotFound(id) : concurrentModification(id));
    await this.accessCache.forgetUser(id);
    await this.audit.record({ actorId: actor.userId, action: 'user.restored', target: { type: 'user', id } });
    return E.right(restored);
  }
}
