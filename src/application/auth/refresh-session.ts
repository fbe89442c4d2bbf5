import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type AuthError, invalidRefreshToken } from '../../domain/auth/auth.errors';
import { sessionState } from '../../domain/auth/session';
import { parseUserId } from '../../domain/users/user';
import { AuditRecorder } from '../audit/audit-recorder';
import type { Clock } from '../ports/clock.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import type { SecretTokens } from '../ports/secret-tokens.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import { LiveSessions } from './live-sessions';
import { SessionIssuer, type TokenPair } from './sessions';

/**
 * Spends a refresh token for a new pair. A spent token coming back revokes its whole family,
 * that is its session, with every access token minted for it.
 */
@injectable()
export class RefreshSession {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(SessionIssuer) private readonly sessions: SessionIssuer,
    @inject(LiveSessions) private readonly live: LiveSessions,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(refreshToken: string): Promise<E.Either<AuthError, TokenPair>> {
    const now = this.clock.now();
    const session = await this.store.findByHash(this.secrets.digest(refreshToken));
    if (!session) return E.left(invalidRefreshToken);

    const state = sessionState(session, now);
    if (state === 'spent') return this.reused(session.familyId, session.userId);
    if (state !== 'active') return E.left(invalidRefreshToken);
    // Two requests racing with one token: the store lets exactly one spend it.
    if (!(await this.store.spend(session.id, now))) return this.reused(session.familyId, session.userId);

    const userId = parseUserId(session.userId);
    const [user, family] = await Promise.all([E.isRight(userId) ? this.users.findById(userId.right) : null, this.store.findSession(session.familyId)]);
    // A token that a refresh racing the revocation slipped into an ended session is no way back in.
    if (!user || user.isDeleted || user.status !== 'active' || !family || family.revoked) {
      await this.live.revoke(session.familyId);
      return E.left(invalidRefreshToken);
    }
    const { familyId: _familyId, ...pair } = await this.sessions.issue(user, { familyId: session.familyId });
    return E.right(pair);
  }

  private async reused(familyId: string, userId: string): Promise<E.Either<AuthError, TokenPair>> {
    const revoked = await this.live.revoke(familyId);
    await this.audit.record({ actorId: null, action: 'auth.refresh.reused', target: { type: 'user', id: userId }, after: { familyId, revoked } });
    return E.left({ _tag: 'RefreshTokenReused' });
  }
}
