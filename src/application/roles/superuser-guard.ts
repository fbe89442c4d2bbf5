import * as E from 'fp-ts/Either';
import { inject, injectable, optional } from 'inversify';
import { grantsEverything } from '../../domain/roles/permission';
import { lastSuperuser, type RoleError } from '../../domain/roles/role.errors';
import type { User } from '../../domain/users/user';
import type { Leases } from '../ports/leases.port';
import type { Logger } from '../ports/logger.port';
import type { RoleRepository } from '../ports/role-repository.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/** The one lease every change that can take `*:*` away from someone runs under. */
export const SUPERUSER_LEASE = 'admin-holders';

export interface SuperuserGuardSettings {
  /** How long a lease lives if its holder dies without giving it back. */
  readonly leaseTtlMs: number;
  /** How long a change waits for the lease before answering "busy, retry". */
  readonly waitMs: number;
}

export const DEFAULT_SUPERUSER_GUARD: SuperuserGuardSettings = { leaseTtlMs: 15_000, waitMs: 10_000 };

type Holder = Pick<User, 'id' | 'roleIds' | 'status' | 'isDeleted'>;

/**
 * Somebody must always hold `*:*`: it is the only permission that can grant every other one,
 * so losing its last holder locks the owner out for good. Every change that can take it away
 * (unassign, transfer, suspend, delete a user; edit or delete a role) checks and writes under
 * one shared lease, so two administrators demoting each other at once cannot both succeed,
 * whichever API process serves them. Changes that only add holders need no lease.
 */
@injectable()
export class SuperuserGuard {
  private readonly settings: SuperuserGuardSettings;

  constructor(
    @inject(TYPES.Leases) private readonly leases: Leases,
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.SuperuserGuardSettings) @optional() settings?: SuperuserGuardSettings,
  ) {
    this.settings = settings ?? DEFAULT_SUPERUSER_GUARD;
  }

  /** Runs `work` (which reads, checks and writes) while no other such change runs. */
  async exclusively<L, A>(work: () => Promise<E.Either<L, A>>): Promise<E.Either<L | RoleError, A>> {
    const deadline = Date.now() + this.settings.waitMs;
    let lease = await this.leases.tryAcquire(SUPERUSER_LEASE, this.settings.leaseTtlMs);
    while (!lease) {
      if (Date.now() >= deadline) return E.left({ _tag: 'SuperuserChangeBusy' });
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
      lease = await this.leases.tryAcquire(SUPERUSER_LEASE, this.settings.leaseTtlMs);
    }
    try {
      return await work();
    } finally {
      // Not given back: it expires by itself, and the next change merely waits a little longer.
      await this.leases.release(lease).catch((err: unknown) => this.logger.warn('could not release a lease', { lease: lease.name, error: String(err) }));
    }
  }

  /** Left(LastSuperuser) when `before` holds `*:*`, `after` does not, and nobody else does. */
  async userMayChange(before: Holder, after: Holder): Promise<E.Either<RoleError, void>> {
    const everything = await this.everythingRoleIds();
    const holds = (u: Holder) => !u.isDeleted && u.status === 'active' && u.roleIds.some((r) => everything.includes(r));
    if (!holds(before) || holds(after)) return E.right(undefined);
    const others = await this.users.countActiveWithAnyRole(everything, before.id);
    return others > 0 ? E.right(undefined) : E.left(lastSuperuser);
  }

  /** Left(LastSuperuser) when role `roleId` stops granting `*:*` and so its holders were the last. */
  async roleMayChange(roleId: string, grantsEverythingAfter: boolean): Promise<E.Either<RoleError, void>> {
    const everything = await this.everythingRoleIds();
    if (!everything.includes(roleId) || grantsEverythingAfter) return E.right(undefined);
    const before = await this.users.countActiveWithAnyRole(everything);
    if (before === 0) return E.right(undefined);
    const after = await this.users.countActiveWithAnyRole(everything.filter((r) => r !== roleId));
    return after > 0 ? E.right(undefined) : E.left(lastSuperuser);
  }

  private async everythingRoleIds(): Promise<string[]> {
    return (await this.roles.list()).filter((r) => grantsEverything(r.permissions)).map((r) => r.id);
  }
}
