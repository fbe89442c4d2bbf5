import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { changeUser, type User, type UserChanges, type UserId } from '../../domain/users/user';
import { concurrentModification, emailAlreadyInUse, type UserError, userNotFound } from '../../domain/users/user.errors';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/** Changes a user's profile fields and drops its cached copy. */
@injectable()
export class UpdateUser {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(id: UserId, changes: UserChanges): Promise<E.Either<ValidationFailed | UserError, User>> {
    const current = await this.users.findById(id);
    if (!current || current.isDeleted) return E.left(userNotFound(id));

    const changed = changeUser(current, changes, this.clock.now());
    if (E.isLeft(changed)) return E.left(validationFailed(changed.left));

    const outcome = await this.users.update(changed.right);
    await this.accessCache.forgetUser(id);
    switch (outcome) {
      case 'updated':
        return E.right(changed.right);
      case 'not-found':
        return E.left(userNotFound(id));
      case 'email-taken':
        return E.left(emailAlreadyInUse(changed.right.email));
      case 'version-conflict':
        return E.left(concurrentModification(id));
    }
  }
}
