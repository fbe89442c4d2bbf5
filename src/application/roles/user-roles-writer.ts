import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { User } from '../../domain/users/user';
import { concurrentModification, type UserError, userNotFound } from '../../domain/users/user.errors';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/** Writes a user's new list of roles and forgets what was cached about that user. */
@injectable()
export class UserRolesWriter {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  /** `user` with `roleIds`, stamped as its next version. */
  withRoles(user: User, roleIds: string[]): User {
    return { ...user, roleIds, updatedAt: this.clock.now(), version: user.version + 1 };
  }

  /** Saves `changed` (optimistically, on its version), then runs `record` and forgets the caches. */
  async save(changed: User, record: () => Promise<void>): Promise<E.Either<UserError, User>> {
    const written = await this.users.update(changed);
    if (written === 'not-found') return E.left(userNotFound(changed.id));
    if (written !== 'updated') return E.left(concurrentModification(changed.id));
    await record();
    await this.forget(changed.id);
    return E.right(changed);
  }

  /** The user's permissions and cached document are stale once its roles changed. */
  async forget(userId: string): Promise<void> {
    await this.accessCache.forgetUser(userId);
  }
}
