import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type Actor, can } from '../../domain/auth/actor';
import { type AuthError, permissionDenied } from '../../domain/auth/auth.errors';
import type { Permission } from '../../domain/roles/permission';
import type { Role } from '../../domain/roles/role';
import { parseUserId, type User } from '../../domain/users/user';
import { type UserError, userNotFound } from '../../domain/users/user.errors';
import type { MfaStore } from '../ports/mfa-store.port';
import type { RoleRepository } from '../ports/role-repository.port';
import { TYPES } from '../symbols';
import { CachedUserLookup } from '../users/cached-user-lookup';

export interface CallerDescription {
  readonly user: User;
  readonly roles: readonly Role[];
  /** What the caller may do now: its roles' union, cut to the API key's scope when it came with one. */
  readonly permissions: readonly Permission[];
  readonly via: Actor['via'];
  /** Whether logging in needs a TOTP code after the password. */
  readonly mfaEnabled: boolean;
}

/**
 * The caller as it sees itself: its account, its roles and its effective permissions. Anyone
 * signed in may describe themselves, and only themselves; an API key needs `users:read` in its
 * scope, as for any read of its owner. The account authentication already loaded is not loaded
 * again.
 */
@injectable()
export class DescribeCaller {
  constructor(
    @inject(CachedUserLookup) private readonly lookup: CachedUserLookup,
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.MfaStore) private readonly mfa: MfaStore,
  ) {}

  async execute(actor: Actor): Promise<E.Either<UserError | AuthError, CallerDescription>> {
    if (actor.via === 'api-key' && !can(actor, 'users', 'read')) return E.left(permissionDenied('users:read'));
    const userId = parseUserId(actor.userId);
    if (E.isLeft(userId)) return E.left(userNotFound(actor.userId));
    const user = actor.user?.id === userId.right ? E.right(actor.user) : await this.lookup.find(userId.right);
    if (E.isLeft(user)) return user;
    const [roles, mfa] = await Promise.all([this.roles.findByIds(user.right.roleIds), this.mfa.find(user.right.id)]);
    return E.right({ user: user.right, roles, permissions: actor.permissions, via: actor.via, mfaEnabled: mfa?.active != null });
  }
}
