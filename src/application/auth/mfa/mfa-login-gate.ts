import { inject, injectable } from 'inversify';
import { MFA_TOKEN_TTL_SECONDS } from '../../../domain/auth/mfa';
import type { User } from '../../../domain/users/user';
import { AuditRecorder } from '../../audit/audit-recorder';
import type { Clock } from '../../ports/clock.port';
import type { MfaChallengeStore } from '../../ports/mfa-challenge-store.port';
import type { MfaState, MfaStore } from '../../ports/mfa-store.port';
import type { SecretTokens } from '../../ports/secret-tokens.port';
import { TYPES } from '../../symbols';

/** What a correct password earns when TOTP is on: no session yet, a token for the second step. */
export interface MfaChallengeIssued {
  readonly mfaRequired: true;
  /** 32 random bytes, base64url; stored only as its digest. */
  readonly mfaToken: string;
  readonly mfaExpiresIn: number;
}

/** A read of a user's TOTP state under way (`MfaLoginGate.lookAhead`). */
export interface MfaLookAhead {
  readonly userId: string;
  readonly state: Promise<MfaState | null>;
}

export const isMfaChallenge = (outcome: object): outcome is MfaChallengeIssued => 'mfaRequired' in outcome;

/**
 * The step between a matched password and a session: when the account has TOTP on, the login
 * stops here with a short-lived, single-use `mfaToken` for `POST /api/auth/login/mfa`.
 */
@injectable()
export class MfaLoginGate {
  constructor(
    @inject(TYPES.MfaStore) private readonly store: MfaStore,
    @inject(TYPES.MfaChallengeStore) private readonly challenges: MfaChallengeStore,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  /**
   * Starts reading whether `user` has TOTP on, for a `challenge` to come: a login reads it while
   * the password is being checked instead of after. A failed read surfaces only in `challenge`
   * (a login whose password is wrong never asks).
   */
  lookAhead(user: Pick<User, 'id'>): MfaLookAhead {
    const state = this.store.find(user.id);
    state.catch(() => undefined);
    return { userId: user.id, state };
  }

  /**
   * A challenge when `user` has TOTP on; null when the password alone completes the login. With
   * `ahead` (this user's `lookAhead`), its read is used instead of a new one.
   */
  async challenge(user: Pick<User, 'id'>, ahead?: MfaLookAhead): Promise<MfaChallengeIssued | null> {
    const state = ahead?.userId === user.id ? ahead.state : this.store.find(user.id);
    if (!(await state)?.active) return null;
    const mfaToken = this.secrets.generate(32);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + MFA_TOKEN_TTL_SECONDS * 1000);
    await this.challenges.insert({ tokenHash: this.secrets.digest(mfaToken), userId: user.id, createdAt: now, expiresAt });
    await this.audit.record({ actorId: null, action: 'auth.mfa.challenged', target: { type: 'user', id: user.id }, after: { factor: 'totp', expiresAt } });
    return { mfaRequired: true, mfaToken, mfaExpiresIn: MFA_TOKEN_TTL_SECONDS };
  }
}
