import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { UserId } from '../../domain/users/user';
import type { UserError } from '../../domain/users/user.errors';
import { TYPES } from '../symbols';
import { ManageableUser } from '../users/manageable-user';
import type { LoginAttempts } from './login-attempts';

export interface Unlocked {
  readonly userId: UserId;
  readonly wasLocked: boolean;
  /** When the lifted lock would have ended; null when none was on. */
  readonly lockedUntil: Date | null;
}

/**
 * Lifts a user's login lockout early (and forgets its failures), with `users:update`, for a
 * person signed in: an API key is refused whatever its scope, as for every credential matter,
 * because a leaked key that could unlock would let its holder undo every lock and keep guessing.
 * Nobody unlocks a user who holds permissions they do not (the account of someone above you is
 * theirs to recover). A repeat lock after an unlock still doubles.
 */
@injectable()
export class UnlockAccount {
  constructor(
    @inject(ManageableUser) private readonly manageable: ManageableUser,
    @inject(TYPES.LoginAttempts) private readonly attempts: LoginAttempts,
  ) {}

  async execute(actor: Actor, id: UserId): Promise<E.Either<AuthError | UserError, Unlocked>> {
    const user = await this.manageable.find(actor, id, ['users', 'update']);
    if (E.isLeft(user)) return user;
    const lifted = await this.attempts.clear(user.right.id, { by: actor.userId, reason: 'unlocked' });
    return E.right({ userId: user.right.id, ...lifted });
  }
}
