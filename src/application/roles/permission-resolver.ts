import { inject, injectable } from 'inversify';
import { type Permission, unionOf } from '../../domain/roles/permission';
import type { User } from '../../domain/users/user';
import { cacheAside, loadAndFill } from '../cache/cache-aside';
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

  async of(user: Pick<User, 'id' | 'roleIds'>): Promise<Permission[]> {
    const cached = await cacheAside(this.cache, this.logger, CACHE_KEYS.permissions(user.id), CACHE_TTL_SECONDS.permissions, () => this.union(user));
    return cached ?? [];
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
    if (cached !== undefined) return cached as Permission[];
    return (await loadAndFill(this.cache, this.logger, CACHE_KEYS.permissions(user.id), CACHE_TTL_SECONDS.permissions, () => this.union(user))) ?? [];
  }

  private async union(user: Pick<User, 'roleIds'>): Promise<Permission[]> {
    const roles = await this.roles.findByIds(user.roleIds);
    return unionOf(roles.map((r) => r.permissions));
  }
}
