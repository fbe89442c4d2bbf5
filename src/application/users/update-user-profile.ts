import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { actsAsSelf, type Actor, can } from '../../domain/auth/actor';
import { type AuthError, permissionDenied } from '../../domain/auth/auth.errors';
import type { RoleError } from '../../domain/roles/role.errors';
import { type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { changeUser, type User, type UserChanges, type UserId } from '../../domain/users/user';
import { concurrentModification, emailAlreadyInUse, type UserError, userNotFound } from '../../domain/users/user.errors';
import { AccessCache } from '../cache/access-cache';
import type { Clock } from '../ports/clock.port';
import type { UserRepository } from '../ports/user-repository.port';
import { SuperuserGuard } from '../roles/superuser-guard';
import { TYPES } from '../symbols';

type Updated = Promise<E.Either<ValidationFailed | AuthError | UserError | RoleError, User>>;

/** What a user may change about themselves without `users:update`. */
const SELF_EDITABLE: readonly (keyof UserChanges)[] = ['name', 'age'];

/**
 * Changes a user's profile fields (name, e-mail, age, status). Anyone signed in with a token
 * may change their own name and age; anything else needs `users:update`. A status change can
 * suspend the last holder of `*:*`, so it is checked and written under the superuser guard.
 */
@injectable()
export class UpdateUserProfile {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, id: UserId, changes: UserChanges): Updated {
    if (!can(actor, 'users', 'update')) {
      const beyondSelf = (Object.keys(changes) as (keyof UserChanges)[]).filter((k) => changes[k] !== undefined && !SELF_EDITABLE.includes(k));
      if (!actsAsSelf(actor, id) || beyondSelf.length > 0) return E.left(permissionDenied('users:update'));
    }
    return changes.status === undefined ? this.write(id, changes) : this.guard.exclusively(() => this.write(id, changes));
  }

  private async write(id: UserId, changes: UserChanges): Updated {
    const current = await this.users.findById(id);
    if (!current || current.isDeleted) return E.left(userNotFound(id));
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
