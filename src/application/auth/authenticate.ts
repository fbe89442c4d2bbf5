import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import { API_KEY_PREFIX, isUsable } from '../../domain/api-keys/api-key';
import { intersect } from '../../domain/roles/permission';
import { parseUserId, type User } from '../../domain/users/user';
import { PermissionResolver } from '../roles/permission-resolver';
import type { ApiKeyRepository } from '../ports/api-key-repository.port';
import type { Clock } from '../ports/clock.port';
import type { Logger } from '../ports/logger.port';
import type { AccessTokens } from '../ports/access-tokens.port';
import type { SecretTokens } from '../ports/secret-tokens.port';
import { CachedUserLookup } from '../users/cached-user-lookup';
import { TYPES } from '../symbols';
import { LiveSessions } from './live-sessions';

const TOUCH_EVERY_MS = 60_000;

/**
 * Turns a bearer token or an API key into an Actor, or null. A deleted or suspended owner makes
 * both stop working at once, and so does the end of the session an access token belongs to; an
 * API key acts with its own permissions cut to its owner's. The Actor carries the user it loaded,
 * so use cases about the caller do not load it again.
 */
@injectable()
export class Authenticate {
  /** When each key's `lastUsedAt` was last written from this process. */
  private readonly touched = new Map<string, number>();

  constructor(
    @inject(TYPES.AccessTokens) private readonly tokens: AccessTokens,
    @inject(TYPES.ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @inject(TYPES.SecretTokens) private readonly secrets: SecretTokens,
    @inject(CachedUserLookup) private readonly lookup: CachedUserLookup,
    @inject(LiveSessions) private readonly sessions: LiveSessions,
    @inject(PermissionResolver) private readonly permissions: PermissionResolver,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async bearer(token: string): Promise<Actor | null> {
    const claims = await this.tokens.verify(token);
    if (!claims) return null;
    // The caller's permissions are read in the same batch as its account and session.
    const [user, [permissions]] = await this.sessions.activeUserReading(claims.userId, claims.sessionId, this.permissions.keyOf(claims.userId));
    if (!user) return null;
    return { userId: user.id, permissions: await this.permissions.from(user, permissions), via: 'token', sessionId: claims.sessionId, user };
  }

  async apiKey(key: string): Promise<Actor | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null;
    const stored = await this.keys.findByHash(this.secrets.digest(key));
    const now = this.clock.now();
    if (!stored || !isUsable(stored, now)) return null;
    const owner = await this.activeUser(stored.ownerId);
    if (!owner) return null;
    this.touch(stored.id, now);
    return { userId: owner.id, permissions: intersect(await this.permissions.of(owner), stored.permissions), via: 'api-key', apiKeyId: stored.id, user: owner };
  }

  private async activeUser(id: string): Promise<User | null> {
    const userId = parseUserId(id);
    if (E.isLeft(userId)) return null;
    const found = await this.lookup.find(userId.right);
    return found._tag === 'Right' && found.right.status === 'active' ? found.right : null;
  }

  /** At most one `lastUsedAt` write per key per minute per process, off the request's path. */
  private touch(id: string, now: Date): void {
    const last = this.touched.get(id) ?? 0;
    if (now.getTime() - last < TOUCH_EVERY_MS) return;
    this.touched.set(id, now.getTime());
    if (this.touched.size > 10_000) this.touched.clear();
    this.keys.touch(id, now).catch((err: unknown) => this.logger.warn('could not record API key use', { keyId: id, error: String(err) }));
  }
}
