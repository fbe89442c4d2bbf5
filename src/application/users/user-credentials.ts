import { inject, injectable } from 'inversify';
import { LiveSessions } from '../auth/live-sessions';
import type { AccountTokenStore } from '../ports/account-token-store.port';
import type { ApiKeyRepository } from '../ports/api-key-repository.port';
import { TYPES } from '../symbols';

export interface CredentialsRevoked {
  readonly sessionsRevoked: number;
  readonly apiKeysRevoked: number;
}

/** Ends every credential a user holds; they stay revoked whatever happens to the user later. */
@injectable()
export class UserCredentials {
  constructor(
    @inject(LiveSessions) private readonly sessions: LiveSessions,
    @inject(TYPES.ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @inject(TYPES.AccountTokenStore) private readonly accountTokens: AccountTokenStore,
  ) {}

  async revokeAll(userId: string, at: Date): Promise<CredentialsRevoked> {
    // Through LiveSessions, so the sessions are marked ended in the shared cache as well.
    const sessionsRevoked = (await this.sessions.revokeAllOf(userId)).length;
    const apiKeysRevoked = await this.keys.revokeForOwner(userId, at);
    // A password-reset link is a credential too: mailed before a suspension or a deletion, it must
    // not work again once the account is active (restored, reactivated) within its lifetime.
    await this.accountTokens.revokeUnused(userId, ['password-reset'], at);
    return { sessionsRevoked, apiKeysRevoked };
  }
}
