import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { User, UserId } from '../../domain/users/user';
import { fill, invalidate, peek } from '../cache-aside';
import type { Cache } from '../ports/cache.port';
import type { Clock } from '../ports/clock.port';
import type { Logger } from '../ports/logger.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import type { AccessTokens } from '../ports/security.port';
import { TYPES } from '../symbols';
import { GetUser } from '../users/get-user';
import type { CachedUser } from '../users/user-cache';
import { userCacheKey } from '../users/user-cache';

/**
 * Cache keys for sessions. A live entry says "this session was live when read from the store,
 * for this version of its user"; readers fill it. A revoked entry is written only when a session
 * is found or made revoked, and it wins over a live entry: a reader that loaded a session just
 * before it was revoked may still write a stale live entry after the revocation, but never
 * removes the revoked one (revoking is final).
 */
export const liveSessionKey = (sessionId: string): string => `session:live:${sessionId}`;
export const revokedSessionKey = (sessionId: string): string => `session:revoked:${sessionId}`;
/** Bounds how long a live entry can outlast a revocation whose cache write failed. */
export const LIVE_SESSION_TTL_SECONDS = 60;

interface LiveSessionEntry {
  readonly userId: string;
  readonly userVersion: number;
}

/**
 * Sessions as access tokens see them. Every bearer request checks its token's session in the
 * same batch of cache reads that loads its user (one round trip to the shared cache; none to the
 * database while the entries are warm), and revoking a session marks it in that shared cache, so
 * its access tokens stop on every instance at their next request.
 */
@injectable()
export class LiveSessions {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(TYPES.AccessTokens) private readonly tokens: AccessTokens,
    @inject(GetUser) private readonly getUser: GetUser,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  /** The user behind an access token, if the user is active and the token's session is live. */
  async activeUser(userId: string, sessionId: string): Promise<User | null> {
    const [cachedUser, live, revoked] = await peek(this.cache, this.logger, userCacheKey(userId), liveSessionKey(sessionId), revokedSessionKey(sessionId));
    if (revoked !== undefined) return null;
    const found = await this.getUser.resolve(userId as UserId, cachedUser as CachedUser | undefined);
    if (E.isLeft(found) || found.right.status !== 'active') return null;
    const user = found.right;
    if (isLiveFor(live as LiveSessionEntry | undefined, user)) return user;
    return (await this.confirm(sessionId, user)) ? user : null;
  }

  /** A session just started or refreshed for `user`: its first requests need not ask the store. */
  async opened(sessionId: string, user: Pick<User, 'id' | 'version'>): Promise<void> {
    await fill(this.cache, this.logger, liveSessionKey(sessionId), { userId: user.id, userVersion: user.version } satisfies LiveSessionEntry, LIVE_SESSION_TTL_SECONDS);
  }

  /**
   * Revokes one session (logout, refresh-token reuse, or a session ended by its owner or an
   * admin): its refresh tokens stop at once, its access tokens at their next request on every
   * instance. Answers how many of its refresh tokens were still live.
   */
  async revoke(sessionId: string): Promise<number> {
    const revoked = await this.store.revokeFamily(sessionId, this.clock.now());
    await this.markRevoked([sessionId]);
    return revoked;
  }

  /** Revokes every session of a user, except `keep` (the caller's own) if given; answers their ids. */
  async revokeAllOf(userId: string, keep?: string): Promise<string[]> {
    const revoked = await this.store.revokeForUser(userId, this.clock.now(), keep);
    await this.markRevoked(revoked);
    return revoked;
  }

  /** Reads the session from the store (a cold cache, or an entry for an older user version). */
  private async confirm(sessionId: string, user: User): Promise<boolean> {
    const session = await this.store.findSession(sessionId);
    if (session && session.userId !== user.id) return false;
    if (!session || session.revoked) {
      await this.markRevoked([sessionId]);
      return false;
    }
    await this.opened(sessionId, user);
    return true;
  }

  private async markRevoked(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    // Outlives every access token of the session (none is accepted past the maximum age) and
    // every live entry a racing reader may have written.
    const ttl = Math.max(this.tokens.maxAgeSeconds, 2 * LIVE_SESSION_TTL_SECONDS);
    try {
      await Promise.all(sessionIds.map((id) => this.cache.set(revokedSessionKey(id), true, ttl)));
    } catch (err) {
      this.logger.error('could not mark revoked sessions in the cache; their access tokens may be accepted until the cached entries expire', {
        sessions: sessionIds.length,
        maxSeconds: LIVE_SESSION_TTL_SECONDS,
        error: String(err),
      });
    }
    await invalidate(this.cache, this.logger, ...sessionIds.map(liveSessionKey));
  }
}

const isLiveFor = (entry: LiveSessionEntry | undefined, user: User): boolean =>
  entry !== undefined && entry.userId === user.id && entry.userVersion === user.version;
