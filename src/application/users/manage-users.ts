import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { actsAsSelf, type Actor, can } from '../../domain/auth/actor';
import { type AuthError, permissionDenied } from '../../domain/auth/auth.errors';
import type { RoleError } from '../../domain/roles/role.errors';
import type { ValidationFailed } from '../../domain/shared/field-error';
import type { User, UserChanges, UserId } from '../../domain/users/user';
import { concurrentModification, type UserError, userNotFound } from '../../domain/users/user.errors';
import { AuditRecorder, authorize } from '../access';
import { AccessCache } from '../cache/access-cache';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from '../cache/cache-keys';
import { cacheAside } from '../cache-aside';
import type { NewAccount, RegisterUser } from '../auth/register-user';
import type { ApiKeyRepository } from '../ports/api-key-repository.port';
import type { Cache } from '../ports/cache.port';
import type { Clock } from '../ports/clock.port';
import type { Logger } from '../ports/logger.port';
import { LiveSessions } from '../auth/live-sessions';
import type { RoleRepository } from '../ports/role-repository.port';
import type { UserListQuery, UserRepository } from '../ports/user-repository.port';
import { SuperuserGuard } from '../roles/superuser-guard';
import { TYPES } from '../symbols';
import { CachedUserLookup } from './cached-user-lookup';
import { UpdateUser } from './update-user';

type Result<A> = Promise<E.Either<ValidationFailed | AuthError | UserError | RoleError, A>>;

/** What a user may change about themselves without `users:update`. */
const SELF_EDITABLE: readonly (keyof UserChanges)[] = ['name', 'age'];

export interface RoleStats {
  readonly role: string;
  readonly totalUsers: number;
  readonly averageAge: number | null;
  readonly users: readonly { name: string; email: string }[];
}

/** Names listed per role in the stats; `totalUsers` still counts every member. */
export const STATS_NAMES_PER_ROLE = 10;

/** The users module behind permissions: reads and edits of oneself are always allowed. */
@injectable()
export class ManageUsers {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(LiveSessions) private readonly sessions: LiveSessions,
    @inject(CachedUserLookup) private readonly lookup: CachedUserLookup,
    @inject(UpdateUser) private readonly updateUser: UpdateUser,
    @inject(TYPES.RegisterUser) private readonly register: RegisterUser,
    @inject(AccessCache) private readonly accessCache: AccessCache,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @inject(SuperuserGuard) private readonly guard: SuperuserGuard,
  ) {}

  async create(actor: Actor, input: NewAccount): Result<User> {
    const allowed = authorize(actor, 'users', 'create');
    return E.isLeft(allowed) ? allowed : this.register.execute(input);
  }

  async get(actor: Actor, id: UserId): Result<User> {
    if (!actsAsSelf(actor, id) && !can(actor, 'users', 'read')) return E.left(permissionDenied('users:read'));
    return this.lookup.find(id);
  }

  async update(actor: Actor, id: UserId, changes: UserChanges): Result<User> {
    if (!can(actor, 'users', 'update')) {
      const beyondSelf = (Object.keys(changes) as (keyof UserChanges)[]).filter((k) => changes[k] !== undefined && !SELF_EDITABLE.includes(k));
      if (!actsAsSelf(actor, id) || beyondSelf.length > 0) return E.left(permissionDenied('users:update'));
    }
    // A status change can suspend the last holder of `*:*`: checked and written under the guard.
    const result = changes.status === undefined ? await this.updateUser.execute(id, changes) : await this.guard.exclusively(() => this.updateStatus(id, changes));
    if (E.isRight(result)) await this.accessCache.forgetUser(id);
    return result;
  }

  private async updateStatus(id: UserId, changes: UserChanges): Result<User> {
    const current = await this.users.findById(id);
    if (!current || current.isDeleted) return E.left(userNotFound(id));
    const keeps = await this.guard.userMayChange(current, { ...current, status: changes.status ?? current.status });
    if (E.isLeft(keeps)) return keeps;
    return this.updateUser.execute(id, changes);
  }

  async list(actor: Actor, query: UserListQuery): Result<{ items: User[]; total: number }> {
    const allowed = authorize(actor, 'users', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.users.list(query));
  }

  /**
   * Soft delete: the user vanishes from reads, cannot log in, and loses every session and API
   * key for good (revoked, so a restore does not bring them back). Never the last holder of `*:*`.
   */
  async delete(actor: Actor, id: UserId): Result<void> {
    const allowed = authorize(actor, 'users', 'delete');
    if (E.isLeft(allowed)) return allowed;
    return this.guard.exclusively(() => this.deleteNow(actor, id));
  }

  private async deleteNow(actor: Actor, id: UserId): Result<void> {
    const user = await this.users.findById(id);
    if (!user || user.isDeleted) return E.left(userNotFound(id));
    const now = this.clock.now();
    const deleted = { ...user, isDeleted: true, deletedAt: now, updatedAt: now, version: user.version + 1 };
    const keeps = await this.guard.userMayChange(user, deleted);
    if (E.isLeft(keeps)) return keeps;
    const written = await this.users.update(deleted);
    if (written !== 'updated') return E.left(written === 'not-found' ? userNotFound(id) : concurrentModification(id));
    const revoked = await this.revokeCredentials(id, now);
    await this.forget(id);
    await this.audit.record({ actorId: actor.userId, action: 'user.deleted', target: { type: 'user', id }, after: revoked });
    return E.right(undefined);
  }

  /** Ends every session and API key of a user; they stay revoked whatever happens to the user. */
  private async revokeCredentials(id: UserId, at: Date): Promise<{ sessionsRevoked: number; apiKeysRevoked: number }> {
    // Through LiveSessions, so the sessions are marked ended in the shared cache as well.
    const sessionsRevoked = (await this.sessions.revokeAllOf(id)).length;
    const apiKeysRevoked = await this.keys.revokeForOwner(id, at);
    return { sessionsRevoked, apiKeysRevoked };
  }

  async restore(actor: Actor, id: UserId): Result<User> {
    const allowed = authorize(actor, 'users', 'restore');
    if (E.isLeft(allowed)) return allowed;
    const user = await this.users.findById(id);
    if (!user || !user.isDeleted) return E.left(userNotFound(id));
    // Revoked again before the account comes back, in case the deletion stopped before doing it:
    // a deleted user cannot make new credentials, so everything it has predates the deletion.
    await this.revokeCredentials(id, this.clock.now());
    const restored = { ...user, isDeleted: false, deletedAt: null, updatedAt: this.clock.now(), version: user.version + 1 };
    const written = await this.users.update(restored);
    if (written !== 'updated') return E.left(written === 'not-found' ? userNotFound(id) : concurrentModification(id));
    await this.forget(id);
    await this.audit.record({ actorId: actor.userId, action: 'user.restored', target: { type: 'user', id } });
    return E.right(restored);
  }

  /** Members per role, most first; average age over members who gave one, to 2 places. Cached. */
  async statsByRole(actor?: Actor): Result<RoleStats[]> {
    if (actor) {
      const allowed = authorize(actor, 'users', 'read');
      if (E.isLeft(allowed)) return allowed;
    }
    const stats = await cacheAside(this.cache, this.logger, CACHE_KEYS.statsByRole, CACHE_TTL_SECONDS.statsByRole, () => this.computeStats());
    return E.right(stats ?? []);
  }

  async export(actor: Actor): Promise<E.Either<AuthError, AsyncIterable<User>>> {
    const allowed = authorize(actor, 'users', 'export');
    return E.isLeft(allowed) ? allowed : E.right(this.users.streamVisible());
  }

  private async computeStats(): Promise<RoleStats[]> {
    const groups = await this.users.membersByRole();
    const roles = new Map((await this.roles.findByIds(groups.map((g) => g.roleId))).map((r) => [r.id as string, r.name]));
    return groups
      .filter((g) => roles.has(g.roleId))
      .map((g) => ({
        role: roles.get(g.roleId)!,
        totalUsers: g.totalUsers,
        averageAge: g.ageCount === 0 ? null : Math.round((g.ageSum / g.ageCount) * 100) / 100,
        users: [...g.users].sort((a, b) => a.email.localeCompare(b.email)).slice(0, STATS_NAMES_PER_ROLE),
      }))
      .sort((a, b) => b.totalUsers - a.totalUsers || a.role.localeCompare(b.role));
  }

  private async forget(id: string): Promise<void> {
    await this.accessCache.forgetUser(id);
  }
}
