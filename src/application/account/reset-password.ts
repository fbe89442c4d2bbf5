import type { ApiKeyRepository } from '../ports/api-key-repository.port';
import type { MfaStore } from '../ports/mfa-store.port';
import type { LoginAttempts } from '../auth/login-attempts';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { AuthError } from '../../domain/auth/auth.errors';
import { rememberedPasswords } from '../../domain/auth/password-policy';
import { fieldError, type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import type { User } from '../../domain/users/user';
import { AuditRecorder } from '../audit/audit-recorder';
import { LiveSessions } from '../auth/live-sessions';
import { PasswordRules } from '../auth/passwords';
import { AccessCache } from '../cache/access-cache';
import { AccountMail } from '../jobs/account-mail';
import type { Clock } from '../ports/clock.port';
import type { PasswordHasher } from '../ports/password-hasher.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { AccountLinks } from './account-links';

export interface PasswordReset {
  readonly sessionsEnded: number;
}

/**
 * Sets a new password from a password-reset link. The link is checked first and used up only
 * once the new password passed the policy and the history (a refused password leaves the link
 * working); of two concurrent resets with one link, one wins. Then every session of the account
 * ends (refresh tokens at once, access tokens at their next request on every instance), the
 * other unused reset links are withdrawn, and the owner is told by e-mail. Using the link
 * proves the owner reads mail at the address, so the address counts as verified too.
 */
@injectable()
export class ResetPassword {
  constructor(
    @inject(AccountLinks) private readonly links: AccountLinks,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(PasswordRules) private readonly rules: PasswordRules,
    @inject(LiveSessions) private readonly sessions: LiveSessions,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AccountMail) private readonly mail: AccountMail,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(TYPES.ApiKeyRepository) private readonly apiKeys: ApiKeyRepository,
    @inject(TYPES.MfaStore) private readonly mfa: MfaStore,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(token: string, newPassword: string): Promise<E.Either<ValidationFailed | AuthError, PasswordReset>> {
    const holder = await this.links.holder('password-reset', token);
    if (E.isLeft(holder)) return holder;
    const { user } = holder.right;

    const problems = this.rules.problems(newPassword, user.name, user.email, 'newPassword');
    if (problems.length > 0) return E.left(validationFailed(problems));
    const now = this.clock.now();
    const remembered = rememberedPasswords(await this.users.passwordHistory(user.id), now);
    for (const old of remembered) {
      if (await this.hasher.verify(old.hash, newPassword)) return E.left(validationFailed([fieldError('newPassword', 'must differ from your last 5 passwords')]));
    }
    const hash = await this.hasher.hash(newPassword);

    // Used up before anything changes: a concurrent reset with the same link stops here.
    const used = await this.links.use(holder.right.token);
    if (E.isLeft(used)) return used;
    await this.users.setPassword(user.id, rememberedPasswords([{ hash, changedAt: now }, ...remembered], now));
    await this.links.withdraw(user.id, ['password-reset']);
    const ended = await this.sessions.revokeAllOf(user.id);
    if (!user.emailVerified) await this.dropUnprovenSetUp(user);
    // The guesses were against the old password, and the link proved the mailbox: a lock ends.
    await this.attempts.clear(user.id, { by: user.id, reason: 'password-reset' });
    await this.audit.record({ actorId: user.id, action: 'auth.password.reset.completed', target: { type: 'user', id: user.id }, after: { sessionsEnded: ended.length } });
    await this.verifyAddress(user);
    await this.mail.dispatch(await this.mail.send('password-changed', user, {}));
    return E.right({ sessionsEnded: ended.length });
  }

  /**
   * The first proof that the account's owner reads its mailbox. Whoever used the account until
   * now never proved it (someone may have registered another person's address): what they set
   * up -- API keys, a second factor -- must not stand between the mailbox's owner and the account.
   * A verified account keeps its second factor through a reset (a mailbox alone does not pass it).
   */
  private async dropUnprovenSetUp(user: User): Promise<void> {
    const now = this.clock.now();
    const keys = await this.apiKeys.revokeForOwner(user.id, now);
    const totpWasOn = await this.mfa.disable(user.id);
    if (totpWasOn) await this.audit.record({ actorId: user.id, action: 'auth.mfa.disabled', target: { type: 'user', id: user.id }, after: { factor: 'totp', method: 'first-mailbox-proof' } });
    if (keys > 0 || totpWasOn) await this.accessCache.forgetUser(user.id);
  }

  /** Marks the address verified (it was proved by the link), unless it was already. */
  private async verifyAddress(user: User): Promise<void> {
    if (user.emailVerified) return;
    const marked = await this.users.markEmailVerified(user.id, user.email, this.clock.now());
    await this.accessCache.forgetUser(user.id);
    if (!marked?.emailVerified) return;
    await this.links.withdraw(user.id, ['email-verification']);
    await this.audit.record({ actorId: user.id, action: 'auth.email.verified', target: { type: 'user', id: user.id }, after: { via: 'password-reset' } });
  }
}
