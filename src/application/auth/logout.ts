import { inject, injectable } from 'inversify';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import type { SecretTokens } from '../ports/secret-tokens.port';
import { TYPES } from '../symbols';
import { LiveSessions } from './live-sessions';

/**
 * Ends the session a refresh token belongs to, with its access tokens. Unknown tokens are not an
 * error: the outcome is the same.
 */
@injectable()
export class Logout {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(LiveSessions) private readonly live: LiveSessions,
  ) {}

  async execute(refreshToken: string): Promise<void> {
    const session = await this.store.findByHash(this.secrets.digest(refreshToken));
    if (session) await this.live.revoke(session.familyId);
  }
}
