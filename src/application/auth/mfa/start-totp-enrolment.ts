import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../../domain/auth/actor';
import { type AuthError, recentLoginRequired } from '../../../domain/auth/auth.errors';
import { type MfaError, mfaAlreadyEnabled } from '../../../domain/auth/mfa.errors';
import type { UserError } from '../../../domain/users/user.errors';
import { AuditRecorder } from '../../audit/audit-recorder';
import { refuseApiKey } from '../../authorization';
import type { Clock } from '../../ports/clock.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import type { MfaStore } from '../../ports/mfa-store.port';
import type { RefreshTokenStore } from '../../ports/refresh-token-store.port';
import { TYPES } from '../../symbols';
import { TotpFactor } from './totp-factor';

export interface TotpEnrolment {
  /** Base32; shown this once, stored only sealed. */
  readonly secret: string;
  readonly otpauthUrl: string;
}

/**
 * Starts TOTP enrolment for the caller (signed in with a token, never an API key): a new secret,
 * pending until a code from it is confirmed; starting again replaces a pending one. 409 while
 * TOTP is on (turn it off first). Only from a session whose login (password, and second factor
 * if any) was at most `RECENT_LOGIN_MINUTES` ago: an access token stolen from an older session
 * cannot put a second factor between the owner and the account.
 */
export const RECENT_LOGIN_MINUTES = 15;

@injectable()
export class StartTotpEnrolment {
  constructor(
    @inject(TotpFactor) private readonly factor: TotpFactor,
    @inject(TYPES.MfaStore) private readonly store: MfaStore,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.RefreshTokenStore) private readonly sessions: RefreshTokenStore,
  ) {}

  async execute(actor: Actor): Promise<E.Either<AuthError | UserError | MfaError, TotpEnrolment>> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    const user = await this.factor.userOf(actor);
    if (E.isLeft(user)) return user;
    const { id: userId, email } = user.right;
    if (!(await this.recentLogin(userId, actor.sessionId))) return E.left(recentLoginRequired(RECENT_LOGIN_MINUTES));
    const before = await this.store.find(userId);
    if (before?.active) return E.left(mfaAlreadyEnabled);

    const secret = this.factor.totp.newSecret();
    const started = await this.store.setPending(userId, { id: this.ids.next(), sealedSecret: this.factor.seal(userId, secret), createdAt: this.clock.now() });
    if (started === 'already-active') return E.left(mfaAlreadyEnabled);
    await this.audit.record({ actorId: actor.userId, action: 'auth.mfa.enrolment.started', target: { type: 'user', id: userId }, after: { factor: 'totp', replacedPending: before?.pending != null } });
    return E.right({ secret, otpauthUrl: this.factor.totp.uri(secret, email) });
  }

  /** Did the caller's session begin (a login) within the last RECENT_LOGIN_MINUTES? */
  private async recentLogin(userId: string, sessionId: string | undefined): Promise<boolean> {
    if (sessionId === undefined) return false;
    const now = this.clock.now();
    const session = (await this.sessions.listLive(userId, now)).find((s) => s.id === sessionId);
    return session !== undefined && now.getTime() - session.createdAt.getTime() <= RECENT_LOGIN_MINUTES * 60_000;
  }
}
