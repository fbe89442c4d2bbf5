import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { SESSION_TOUCH_INTERVAL_MS } from '../../domain/auth/session';
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
  /** When the session's use was last recorded (epoch ms by the Clock port); absent in older entries. */
  readonly usedAt?: number;
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
 *
 * The same entry tells when the session's use was last recorded: a request finding it older than
 * a minute reads the session from the store as on a cold cache, and records the use there
 * (`lastUsedAt`) without waiting for it. So a warm request costs no database call, and a session
 * in use costs one read and at most one conditional write a minute, whichever instance serves it.
 */
@injectable()
export class LiveSessions {
  /** When this process last recorded each session's use (epoch ms by the Clock port). */
  private readonly touchedHere = new Map<string, number>();

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
    return (await this.activeUserReading(userId, sessionId))[0];
  }

  /**
   * `activeUser`, with the cache entries under `alsoKeys` read in the same batch (one round trip
   * to a shared cache): for what the caller needs next of the same user (its permissions). Their
   * values come back in order, `undefined` for a miss or a failed read, whatever the answer.
   */
  async activeUserReading(userId: string, sessionId: string, ...alsoKeys: string[]): Promise<[User | null, unknown[]]> {
    const [cachedUser, live, revoked, ...also] = await peek(this.cache, this.logger, CACHE_KEYS.user(userId), CACHE_KEYS.liveSession(sessionId), CACHE_KEYS.revokedSession(sessionId), ...alsoKeys);
    return [await this.checked(userId, sessionId, cachedUser, live, revoked), also];
  }

  private async checked(userId: string, sessionId: string, cachedUser: unknown, live: unknown, revoked: unknown): Promise<User | null> {
    if (revoked !== undefined) return null;
    const id = parseUserId(userId);
    if (E.isLeft(id)) return null;
    const found = await this.lookup.resolve(id.right, cachedUser as CachedUser | undefined);
    if (E.isLeft(found) || found.right.status !== 'active') return null;
    const user = found.right;
    const now = this.clock.now();
    const entry = live as LiveSessionEntry | undefined;
    if (isLiveFor(entry, user) && !useIsDue(entry, now)) return user;
    return (await this.confirm(sessionId, user, now)) ? user : null;
  }

  /**
   * A session just started, refreshed or confirmed for `user` (its use recorded at `usedAt`):
   * its next requests need not ask the store.
   */
  async opened(sessionId: string, user: Pick<User, 'id' | 'version'>, usedAt: Date = this.clock.now()): Promise<void> {
    const entry: LiveSessionEntry = { userId: user.id, userVersion: user.version, usedAt: usedAt.getTime() };
    await fill(this.cache, this.logger, CACHE_KEYS.liveSession(sessionId), entry, CACHE_TTL_SECONDS.liveSession);
  }

  /**
   * Records that the session was used at `at`, unless a use was recorded at most a minute before
   * (by any instance: the store writes conditionally). Never fails: a lost `lastUsedAt` is logged.
   */
  async touch(sessionId: string, at: Date): Promise<void> {
    // A first filter in this process: it keeps concurrent requests of one session to one call,
    // and bounds the calls while the shared cache is down and every request reads through. The
    // store's condition is what holds across instances.
    const previous = this.touchedHere.get(sessionId);
    if (previous !== undefined && at.getTime() - previous < SESSION_TOUCH_INTERVAL_MS && at.getTime() >= previous) return;
    if (this.touchedHere.size >= 10_000) this.touchedHere.clear();
    this.touchedHere.set(sessionId, at.getTime());
    const wrote = await this.store.touch(sessionId, at, new Date(at.getTime() - SESSION_TOUCH_INTERVAL_MS)).catch((err: unknown) => {
      this.logger.warn('could not record a session use', { sessionId, error: String(err) });
      return null;
    });
    // Another instance recorded a use recently, at a time this one does not know: ask again next time.
    if (wrote === false) {
      if (previous === undefined) this.touchedHere.delete(sessionId);
      else this.touchedHere.set(sessionId, previous);
    }
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

  /**
   * Reads the session from the store (a cold cache, an entry for an older user version, or a
   * use due to be recorded), and records the use off the request's path.
   */
  private async confirm(sessionId: string, user: User, now: Date): Promise<boolean> {
    const session = await this.store.findSession(sessionId);
    if (session && session.userId !== user.id) return false;
    if (!session || session.revoked) {
      await this.accessCache.forgetSessions([sessionId]);
      return false;
    }
    void this.touch(sessionId, now);
    await this.opened(sessionId, user, now);
    return true;
  }
}

const isLiveFor = (entry: LiveSessionEntry | undefined, user: User): entry is LiveSessionEntry =>
  entry !== undefined && entry.userId === user.id && entry.userVersion === user.version;

const useIsDue = (entry: LiveSessionEntry, now: Date): boolean => entry.usedAt === undefined || now.getTime() - entry.usedAt >= SESSION_TOUCH_INTERVAL_MS;
