import { inject, injectable } from 'inversify';
import { AuditRecorder } from '../audit/audit-recorder';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import type { SecretTokens } from '../ports/secret-tokens.port';
import { TYPES } from '../symbols';
import { LiveSessions } from './live-sessions';

/**
 * Ends the session a refresh token belongs to, with its access tokens. Unknown tokens are not an
 * error: the outcome is the same. Ending a live session is audited (`auth.session.revoked`).
 */
@injectable()
export class Logout {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(LiveSessions) private readonly live: LiveSessions,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  async execute(refreshToken: string): Promise<void> {
    const session = await this.store.findByHash(this.secrets.digest(refreshToken));
    if (!session) return;
    const revoked = await this.live.revoke(session.familyId);
    if (revoked === 0) return;
    await this.audit.record({
      actorId: session.userId,
      action: 'auth.session.revoked',
      target: { type: 'user', id: session.userId },
      after: { sessionId: session.familyId, reason: 'logout' },
    });
  }
}
