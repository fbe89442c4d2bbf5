import { inject, injectable } from 'inversify';
import { type Permission, unionOf } from '../../domain/roles/permission';
import type { User } from '../../domain/users/user';
import { loadAndFill, peek } from '../cache/cache-aside';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from '../cache/cache-keys';
import type { Cache } from '../ports/cache.port';
import type { Logger } from '../ports/logger.port';
import type { RoleRepository } from '../ports/role-repository.port';
import { TYPES } from '../symbols';

/** A user's effective permissions (the union of its roles'), cached; `AccessCache` drops them after writes. */
@injectable()
export class PermissionResolver {
  constructor(
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async of(user: Pick<User, 'id' | 'roleIds'>): Promise<readonly Permission[]> {
    const [cached] = await peek(this.cache, this.logger, CACHE_KEYS.permissions(user.id));
    return this.from(user, cached);
  }

  /** The cache key of a user's permissions, for a caller reading it along with other entries. */
  keyOf(userId: string): string {
    return CACHE_KEYS.permissions(userId);
  }

  /**
   * `of(user)`, given what the caller already read under `keyOf(user.id)` (undefined: a miss,
   * which loads and fills as `of` does).
   */
  async from(user: Pick<User, 'id' | 'roleIds'>, cached: unknown): Promise<readonly Permission[]> {
    if (isResolution(cached) && sameRoles(cached.roleIds, user.roleIds)) return cached.permissions;
    const resolved = await loadAndFill(this.cache, this.logger, CACHE_KEYS.permissions(user.id), CACHE_TTL_SECONDS.permissions, () => this.union(user));
    return resolved?.permissions ?? [];
  }

  /**
   * The entry names the roles it was resolved from: a resolution from a user's former roles (a
   * fill that raced the change of roles) is never used for the user as it is now.
   */
  private async union(user: Pick<User, 'roleIds'>): Promise<Resolution> {
    const roles = await this.roles.findByIds(user.roleIds);
    return { roleIds: [...user.roleIds], permissions: unionOf(roles.map((r) => r.permissions)) };
  }
}

interface Resolution {
  readonly roleIds: readonly string[];
  readonly permissions: readonly Permission[];
}

/** Entries of another shape (written by an older version during a rolling upgrade) are misses. */
const isResolution = (value: unknown): value is Resolution =>
  typeof value === 'object' && value !== null && Array.isArray((value as Resolution).roleIds) && Array.isArray((value as Resolution).permissions);

const sameRoles = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);
