import { inject, injectable } from 'inversify';
import { type ClientInfo, UNKNOWN_CLIENT } from '../../domain/auth/session';
import type { User } from '../../domain/users/user';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import type { AccessTokens } from '../ports/access-tokens.port';
import type { SecretTokens } from '../ports/secret-tokens.port';
import { TYPES } from '../symbols';
import { LiveSessions } from './live-sessions';

export interface AuthSettings {
  readonly refreshTtlSeconds: number;
}

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly refreshExpiresIn: number;
}

/**
 * Issues an access token and a fresh refresh token in a family (a new family, that is a new
 * session, on login). The access token carries the family as its session id. A new session is
 * recorded with its client (user agent and IP, kept across refreshes); a refresh counts as a use
 * of its session (`lastUsedAt`, at most once a minute).
 */
@injectable()
export class SessionIssuer {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(TYPES.AccessTokens) private readonly access: AccessTokens,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.AuthSettings) private readonly settings: AuthSettings,
    @inject(LiveSessions) private readonly live: LiveSessions,
  ) {}

  /** A new session for `client` (login), or the next token of session `familyId` (refresh). */
  async issue(user: Pick<User, 'id' | 'version'>, session: { readonly client?: ClientInfo; readonly familyId?: string } = {}): Promise<TokenPair & { familyId: string }> {
    const familyId = session.familyId ?? this.ids.next();
    const userId = user.id;
    const now = this.clock.now();
    const refreshToken = this.secrets.generate(32);
    // Signed while the store writes (it needs only the ids): the access token leaves this
    // function only once they have landed, and is dropped if they fail.
    const signing = this.access.issue({ userId, sessionId: familyId });
    signing.catch(() => undefined);
    if (session.familyId === undefined) {
      const client = session.client ?? UNKNOWN_CLIENT;
      // The record first: a session whose first token failed to land is never listed.
      await this.store.open({ id: familyId, userId, createdAt: now, lastUsedAt: now, userAgent: client.userAgent, ip: client.ip });
    }
    await this.store.insert({
      id: this.ids.next(),
      userId,
      familyId,
      tokenHash: this.secrets.digest(refreshToken),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.refreshTtlSeconds * 1000),
      spentAt: null,
      revokedAt: null,
    });
    const accessToken = await signing;
    if (session.familyId !== undefined) await this.live.touch(familyId, now);
    await this.live.opened(familyId, user);
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.access.ttlSeconds,
      refreshExpiresIn: this.settings.refreshTtlSeconds,
      familyId,
    };
  }
}
