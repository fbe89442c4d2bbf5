import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { AuditAction } from '../domain/audit/audit-entry';
import { type Actor, can, mayManageCredentials } from '../domain/auth/actor';
import { apiKeyCannotManageCredentials, type AuthError, permissionDenied } from '../domain/auth/auth.errors';
import { type Permission, unionOf } from '../domain/roles/permission';
import type { User } from '../domain/users/user';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from './cache/cache-keys';
import { cacheAside } from './cache-aside';
import { currentContext } from './context';
import type { AuditLog } from './ports/audit-log.port';
import type { Cache } from './ports/cache.port';
import type { Clock } from './ports/clock.port';
import type { IdGenerator } from './ports/id-generator.port';
import type { Logger } from './ports/logger.port';
import type { RoleRepository } from './ports/role-repository.port';
import type { Tx } from './ports/unit-of-work.port';
import { TYPES } from './symbols';

/** Right(undefined) when the actor may; Left(PermissionDenied) naming what was missing. */
export const authorize = (actor: Actor, resource: string, action: string): E.Either<AuthError, void> =>
  can(actor, resource, action) ? E.right(undefined) : E.left(permissionDenied(`${resource}:${action}`));

/**
 * Right(undefined) unless the actor is an API key: credentials (API keys, password, sessions,
 * MFA) are managed only by a person signed in, whatever a key's scope says.
 */
export const refuseApiKey = (actor: Actor): E.Either<AuthError, void> => (mayManageCredentials(actor) ? E.right(undefined) : E.left(apiKeyCannotManageCredentials));

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

export interface AuditFacts {
  readonly actorId: string | null;
  readonly action: AuditAction;
  readonly target: { readonly type: string; readonly id: string | null };
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Writes audit entries stamped with an id, the time and the current request id. */
@injectable()
export class AuditRecorder {
  constructor(
    @inject(TYPES.AuditLog) private readonly log: AuditLog,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  record(facts: AuditFacts, tx?: Tx): Promise<void> {
    return this.log.append(
      {
        id: this.ids.next(),
        actorId: facts.actorId,
        action: facts.action,
        target: facts.target,
        ...(facts.before === undefined ? {} : { before: facts.before }),
        ...(facts.after === undefined ? {} : { after: facts.after }),
        requestId: currentContext()?.requestId ?? null,
        at: this.clock.now(),
      },
      tx,
    );
  }
}
