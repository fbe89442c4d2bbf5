import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { authorize } from '../authorization';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from '../cache/cache-keys';
import { cacheAside } from '../cache/cache-aside';
import type { Cache } from '../ports/cache.port';
import type { Logger } from '../ports/logger.port';
import type { RoleRepository } from '../ports/role-repository.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

export interface RoleStats {
  readonly role: string;
  readonly totalUsers: number;
  readonly averageAge: number | null;
  readonly users: readonly { name: string; email: string }[];
}

/** Names listed per role in the stats; `totalUsers` still counts every member. */
export const STATS_NAMES_PER_ROLE = 10;

/**
 * Members per role, most first; average age over members who gave one, to 2 places. Cached
 * until a user or role changes. Needs `users:read` (the weekly report asks as a system actor
 * holding just that).
 */
@injectable()
export class UserStatsByRole {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async execute(actor: Actor): Promise<E.Either<AuthError, RoleStats[]>> {
    const allowed = authorize(actor, 'users', 'read');
    if (E.isLeft(allowed)) return allowed;
    const stats = await cacheAside(this.cache, this.logger, CACHE_KEYS.statsByRole, CACHE_TTL_SECONDS.statsByRole, () => this.compute());
    return E.right(stats ?? []);
  }

  private async compute(): Promise<RoleStats[]> {
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
}
