import { inject, injectable } from 'inversify';
import { type Permission, unionOf } from '../../domain/roles/permission';
import type { User } from '../../domain/users/user';
import { cacheAside } from '../cache/cache-aside';
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
    const cached = await cacheAside(this.cache, this.logger, CACHE_KEYS.permissions(user.id), CACHE_TTL_SECONDS.permissions, async () => {
      const roles = await this.roles.findByIds(user.roleIds);
      return unionOf(roles.map((r) => r.permissions));
    });
    return cached ?? [];
  }
}
