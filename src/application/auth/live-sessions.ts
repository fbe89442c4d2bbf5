import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { parseUserId, type User } from '../../domain/users/user';
import { AccessCache } from '../cache/access-cache';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from '../cache/cache-keys';
import { fill, peek } from '../cache/cache-aside';
import type { Cache } from '../ports/cache.port';
import type { Clock } from '../ports/clock.port';
import type { Logger } from '../ports/logger.port';
import type { RefreshTokenStore } from '../ports/refresh-token-store.port';
import { TYPES } from '../symbols';
import { type CachedUser, CachedUserLookup } from '../users/cached-user-lookup';

interface LiveSessionEntry {
  readonly userId: string;
  readonly userVersion: number;
}

/**
 * Sessions as access tokens see them. A live entry in the cache says "this session was live when
 * read from the store, for this version of its user"; readers fill it. A revoked entry is written
 * only when a session is found or made revoked (by `AccessCache.forgetSessions`), and it wins
 * over a live entry: a reader that loaded a session just before it was revoked may still write a
 * stale live entry after the revocation, but never removes the revoked one (revoking is final).
 * Every bearer request checks its token's session in the
 * same batch of cache reads that loads its user (one round trip to the shared cache; none to the
 * database while the entries are warm), and revoking a session marks it in that shared cache, so
 * its access tokens stop on every instance at their next request.
 */
@injectable()
export class LiveSessions {
  constructor(
    @inject(TYPES.RefreshTokenStore) private readonly store: RefreshTokenStore,
    @inject(CachedUserLookup) private readonly lookup: CachedUserLookup,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  /** The user behind an access token, if the user is active and the token's session is live. */
  async activeUser(userId: string, sessionId: string): Promise<User | null> {
    const [cachedUser, live, revoked] = await peek(this.cache, this.logger, CACHE_KEYS.user(userId), CACHE_KEYS.liveSession(sessionId), CACHE_KEYS.revokedSession(sessionId));
    if (revoked !== undefined) return null;
    const id = parseUserId(userId);
    if (E.isLeft(id)) return null;
    const found = await this.lookup.resolve(id.right, cachedUser as CachedUser | undefined);
    if (E.isLeft(found) || found.right.status !== 'active') return null;
    const user = found.right;
    if (isLiveFor(live as LiveSessionEntry | undefined, user)) return user;
    return (await this.confirm(sessionId, user)) ? user : null;
  }

  /** A session just started or refreshed for `user`: its first requests need not ask the store. */
  async opened(sessionId: string, user: Pick<User, 'id' | 'version'>): Promise<void> {
    await fill(this.cache, this.logger, CACHE_KEYS.liveSession(sessionId), { userId: user.id, userVersion: user.version } satisfies LiveSessionEntry, CACHE_TTL_SECONDS.liveSession);
  }

  /**
   * Revokes one session (logout, refresh-token reuse, or a session ended by its owner or an
   * admin): its refresh tokens stop at once, its access tokens at their next request on every
   * instance. Answers how many of its refresh tokens were still live.
   */
  async revoke(sessionId: string): Promise<number> {
    const revoked = await this.store.revokeFamily(sessionId, this.clock.now());
    await this.accessCache.forgetSessions([sessionId]);
    return revoked;
  }

  /** Revokes every session of a user, except `keep` (the caller's own) if given; answers their ids. */
  async revokeAllOf(userId: string, keep?: string): Promise<string[]> {
    const revoked = await this.store.revokeForUser(userId, this.clock.now(), keep);
    await this.accessCache.forgetSessions(revoked);
    return revoked;
  }

  /** Reads the session from the store (a cold cache, or an entry for an older user version). */
  private async confirm(sessionId: string, user: User): Promise<boolean> {
    const session = await this.store.findSession(sessionId);
    if (session && session.userId !== user.id) return false;
    if (!session || session.revoked) {
      await this.accessCache.forgetSessions([sessionId]);
      return false;
    }
    await this.opened(sessionId, user);
    return true;
  }
}

const isLiveFor = (entry: LiveSessionEntry | undefined, user: User): boolean =>
  entry !== undefined && entry.userId === user.id && entry.userVersion === user.version;
