import { inject, injectable } from 'inversify';
import { invalidate } from './cache-aside';
import type { Cache } from '../ports/cache.port';
import type { Logger } from '../ports/logger.port';
import type { AccessTokens } from '../ports/access-tokens.port';
import { TYPES } from '../symbols';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from './cache-keys';

/**
 * The one owner of invalidation: every write that can make a cached entry stale calls one of
 * these, which drops every key that could depend on it, so no caller has to remember a key.
 * A failure is logged, never thrown: the entries then live until their TTL.
 */
@injectable()
export class AccessCache {
  constructor(
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.AccessTokens) private readonly tokens: AccessTokens,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  /**
   * A user was created, changed (profile, status, roles), deleted or restored: drops its cached
   * copy, its resolved permissions and the statistics that count it.
   */
  async forgetUser(userId: string): Promise<void> {
    await invalidate(this.cache, this.logger, CACHE_KEYS.user(userId), CACHE_KEYS.permissions(userId), CACHE_KEYS.statsByRole);
  }

  /** A role's permissions or name changed, or it was deleted: every user's resolution may be stale. */
  async forgetAllPermissions(): Promise<void> {
    await this.cache
      .deleteByPrefix(CACHE_KEYS.permissionsPrefix)
      .catch((err: unknown) => this.logger.warn('permission cache flush failed', { error: String(err) }));
    await invalidate(this.cache, this.logger, CACHE_KEYS.statsByRole);
  }

  /**
   * Sessions were revoked: marks them so in the shared cache (their access tokens stop at their
   * next request on every instance) and drops their live entries. The mark outlives every
   * access token of the session and every live entry a racing reader may still write.
   */
  async forgetSessions(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const ttl = Math.max(this.tokens.maxAgeSeconds, 2 * CACHE_TTL_SECONDS.liveSession);
    try {
      await Promise.all(sessionIds.map((id) => this.cache.set(CACHE_KEYS.revokedSession(id), true, ttl)));
    } catch (err) {
      this.logger.error('could not mark revoked sessions in the cache; their access tokens may be accepted until the cached entries expire', {
        sessions: sessionIds.length,
        maxSeconds: CACHE_TTL_SECONDS.liveSession,
        error: String(err),
      });
    }
    await invalidate(this.cache, this.logger, ...sessionIds.map(CACHE_KEYS.liveSession));
  }
}
