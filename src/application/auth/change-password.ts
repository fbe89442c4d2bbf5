import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import { type AuthError } from '../../domain/auth/auth.errors';
import { rememberedPasswords } from '../../domain/auth/password-policy';
import { fieldError, type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { parseUserId } from '../../domain/users/user';
import { type UserError, userNotFound } from '../../domain/users/user.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { refuseApiKey } from '../authorization';
import type { AccountTokenStore } from '../ports/account-token-store.port';
import type { Clock } from '../ports/clock.port';
import type { PasswordHasher } from '../ports/password-hasher.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { LiveSessions } from './live-sessions';
import { type LoginAttempts, passwordCheckUnderLockout } from './login-attempts';
import { PasswordRules } from './passwords';

/**
 * Changes the caller's password: the current one must match, the new one must pass the policy
 * and differ from the last five (kept 90 days). Every other session of the user is revoked, with
 * its access tokens, and a lockout of the account is lifted.
 */
@injectable()
export class ChangePassword {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(PasswordRules) private readonly rules: PasswordRules,
    @inject(LiveSessions) private readonly sessions: LiveSessions,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(TYPES.AccountTokenStore) private readonly accountTokens: AccountTokenStore,
  ) {}

  async execute(actor: Actor, currentPassword: string, newPassword: string): Promise<E.Either<ValidationFailed | AuthError | UserError, void>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const userId = parseUserId(actor.userId);
    const user = E.isRight(userId) ? await this.users.findById(userId.right) : null;
    if (!user || user.isDeleted) return E.left(userNotFound(actor.userId));
    const history = await this.users.passwordHistory(user.id);
    const current = history[0];
    // Under the login's lockout: a stolen access token is no way to guess the password unlimited.
    const right = current !== undefined && (await passwordCheckUnderLockout(this.attempts, user, () => this.hasher.verify(current.hash, currentPassword)));
    if (!right) {
      return E.left(validationFailed([fieldError('currentPassword', 'is not correct')]));
    }
    const problems = this.rules.problems(newPassword, user.name, user.email, 'newPassword');
    if (problems.length > 0) return E.left(validationFailed(problems));

    const now = this.clock.now();
    const remembered = rememberedPasswords(history, now);
    for (const old of remembered) {
      if (await this.hasher.verify(old.hash, newPassword)) {
        return E.left(validationFailed([fieldError('newPassword', 'must differ from your last 5 passwords')]));
      }
    }
    const hash = await this.hasher.hash(newPassword);
    await this.users.setPassword(user.id, rememberedPasswords([{ hash, changedAt: now }, ...remembered], now));
    // An outstanding reset link (requested by someone reading the mailbox, or leaked) would undo this change.
    await this.accountTokens.revokeUnused(user.id, ['password-reset'], now);
    const revoked = await this.sessions.revokeAllOf(user.id, actor.sessionId);
    await this.audit.record({ actorId: actor.userId, action: 'auth.password.changed', target: { type: 'user', id: user.id }, after: { otherSessionsRevoked: revoked.length } });
    // The guesses were against the old password: a lock on the account ends with it.
    await this.attempts.clear(user.id, { by: actor.userId, reason: 'password-changed' });
    return E.right(undefined);
  }
}
