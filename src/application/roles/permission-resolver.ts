import { inject, injectable } from 'inversify';
import { type Permission, unionOf } from '../../domain/roles/permission';
import type { User } from '../../domain/users/user';
import { cacheAside, invalidate } from '../cache-aside';
import type { Cache } from '../ports/cache.port';
import type { Logger } from '../ports/logger.port';
import type { RoleRepository } from '../ports/role-repository.port';
import { TYPES } from '../symbols';

export const PERMISSIONS_TTL_SECONDS = 60;
export const permissionsKey = (userId: string): string => `perms:user:${userId}`;
export const STATS_KEY = 'stats:by-role';

/** A user's effective permissions (the union of its roles'), cached and invalidated by role writes. */
@injectable()
export class PermissionResolver {
  constructor(
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async of(user: Pick<User, 'id' | 'roleIds'>): Promise<Permission[]> {
    const cached = await cacheAside(this.cache, this.logger, permissionsKey(user.id), PERMISSIONS_TTL_SECONDS, async () => {
      const roles = await this.roles.findByIds(user.roleIds);
      return unionOf(roles.map((r) => r.permissions));
    });
    return cached ?? [];
  }

  forgetUser(userId: string): Promise<void> {
    return invalidate(this.cache, this.logger, permissionsKey(userId), STATS_KEY);
  }

  /** A role's permissions changed or it was deleted: every user's resolution may be stale. */
  async forgetAll(): Promise<void> {
    await this.cache.deleteByPrefix('perms:').catch((err: unknown) => this.logger.warn('permission cache flush failed', { error: String(err) }));
    await invalidate(this.cache, this.logger, STATS_KEY);
  }
}
