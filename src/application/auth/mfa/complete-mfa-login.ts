import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type ClientInfo, UNKNOWN_CLIENT } from '../../../domain/auth/session';
import { type MfaError, mfaCodeInvalid, mfaTokenInvalid } from '../../../domain/auth/mfa.errors';
import { parseUserId, type User } from '../../../domain/users/user';
import { AuditRecorder } from '../../audit/audit-recorder';
import type { Clock } from '../../ports/clock.port';
import type { MfaChallengeStore } from '../../ports/mfa-challenge-store.port';
import type { MfaStore } from '../../ports/mfa-store.port';
import type { SecretTokens } from '../../ports/secret-tokens.port';
import type { UserRepository } from '../../ports/user-repository.port';
import { TYPES } from '../../symbols';
import type { LoginAttempts } from '../login-attempts';
import { SessionIssuer, type TokenPair } from '../sessions';
import { TotpFactor } from './totp-factor';

/** The second factor of a login: a current TOTP code, or one of the recovery codes. */
export type SecondFactor = { readonly code: string } | { readonly recoveryCode: string };

/**
 * Exchanges the `mfaToken` of a password-verified login and a second factor for the usual token
 * pair. The token is bound to its user, lives 5 minutes and is spent by the exchange (exactly
 * once, on every instance); a code is accepted in its step and one either side, never twice; a
 * recovery code works once. A wrong factor is a failed login (LoginAttempts), and a locked
 * account is refused like a wrong code.
 */
@injectable()
export class CompleteMfaLogin {
  constructor(
    @inject(TYPES.MfaChallengeStore) private readonly challenges: MfaChallengeStore,
    @inject(TYPES.MfaStore) private readonly store: MfaStore,
    @inject(TotpFactor) private readonly factor: TotpFactor,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(SessionIssuer) private readonly sessions: SessionIssuer,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  async execute(mfaToken: string, proof: SecondFactor, client: ClientInfo = UNKNOWN_CLIENT): Promise<E.Either<MfaError, TokenPair & { user: User }>> {
    const tokenHash = this.secrets.digest(mfaToken);
    const challenge = await this.challenges.findLive(tokenHash, this.clock.now());
    const userId = challenge ? parseUserId(challenge.userId) : null;
    const user = userId && E.isRight(userId) ? await this.users.findById(userId.right) : null;
    if (!challenge || !user || user.isDeleted || user.status !== 'active') return E.left(mfaTokenInvalid);
    const path = 'code' in proof ? 'code' : 'recoveryCode';

    const active = (await this.store.find(user.id))?.active;
    // TOTP was turned off since the password step: this token has nothing left to prove.
    if (!active) return E.left(mfaTokenInvalid);
    // A place is reserved before the factor is checked, as for a password: codes sent at once
    // (on any number of instances) get at most the threshold's worth of checks before the lock.
    const ticket = await this.attempts.reserve(user);
    const refusal = !ticket.open ? (ticket.reason === 'locked' ? 'account-locked' : 'too-many-at-once') : await this.refusalOf(user.id, active, proof);
    if (refusal) {
      // A lock is reported like a wrong code (no telling a locked account apart), and not counted again.
      if (ticket.open) await this.attempts.failed(user, ticket);
      await this.audit.record({ actorId: null, action: 'auth.mfa.failed', target: { type: 'user', id: user.id }, after: { stage: 'login', factor: path, reason: refusal } });
      return E.left(mfaCodeInvalid(path));
    }
    // Two exchanges of one token with two good codes: the second finds it spent.
    if (!(await this.challenges.spend(tokenHash, this.clock.now()))) {
      await this.attempts.release(user.id, ticket);
      return E.left(mfaTokenInvalid);
    }

    await this.attempts.succeeded(user.id, ticket);
    if ('recoveryCode' in proof) {
      const left = (await this.store.find(user.id))?.active?.recoveryCodeHashes.length ?? 0;
      await this.audit.record({ actorId: user.id, action: 'auth.mfa.recovery-code.used', target: { type: 'user', id: user.id }, after: { recoveryCodesLeft: left } });
    }
    const { familyId: _familyId, ...pair } = await this.sessions.issue(user, { client });
    await this.audit.record({ actorId: user.id, action: 'auth.login.succeeded', target: { type: 'user', id: user.id }, after: { method: 'mfa', factor: path === 'code' ? 'totp' : 'recovery-code' } });
    return E.right({ ...pair, user });
  }

  /** Null when the factor is right (and is now used up); else why it was refused. */
  private async refusalOf(userId: string, active: { id: string; sealedSecret: string }, proof: SecondFactor): Promise<string | null> {
    if ('code' in proof) {
      const checked = await this.factor.check(userId, active, proof.code);
      return E.isRight(checked) ? null : checked.left;
    }
    const digest = this.factor.recoveryCodeDigest(proof.recoveryCode);
    if (digest === null) return 'malformed-recovery-code';
    return (await this.store.useRecoveryCode(userId, active.id, digest, this.clock.now())) ? null : 'wrong-or-used-recovery-code';
  }
}
