import { randomBytes } from 'node:crypto';
import { JoseAccessTokens } from '../../src/adapters/security/jose-access-tokens';
import { AccessCache } from '../../src/application/cache/access-cache';
import * as E from 'fp-ts/Either';
import { InMemoryApiKeyRepository } from '../../src/adapters/memory/in-memory-api-key-repository';
import { InMemoryAuditLog } from '../../src/adapters/memory/in-memory-audit-log';
import { InMemoryRoleRepository } from '../../src/adapters/memory/in-memory-role-repository';
import { InMemoryUnitOfWork } from '../../src/adapters/memory/in-memory-unit-of-work';
import { InMemoryCache } from '../../src/adapters/memory/in-memory-cache';
import { InMemoryLeases } from '../../src/adapters/memory/in-memory-leases';
import { InMemoryUserRepository } from '../../src/adapters/memory/in-memory-user-repository';
import { ObjectIdGenerator } from '../../src/adapters/system/object-id-generator';
import { AuditRecorder } from '../../src/application/audit/audit-recorder';
import type { AuditLog } from '../../src/application/ports/audit-log.port';
import type { Clock } from '../../src/application/ports/clock.port';
import type { AccessFields, Logger } from '../../src/application/ports/logger.port';
import { GrantableRoleLookup } from '../../src/application/roles/grantable-role-lookup';
import { PermissionResolver } from '../../src/application/roles/permission-resolver';
import { DEFAULT_SUPERUSER_GUARD, SuperuserGuard, type SuperuserGuardSettings } from '../../src/application/roles/superuser-guard';
import { UserRolesWriter } from '../../src/application/roles/user-roles-writer';
import type { Actor } from '../../src/domain/auth/actor';
import type { Permission } from '../../src/domain/roles/permission';
import { ADMIN_ROLE, newRole, type Role, type RoleId, USER_ROLE } from '../../src/domain/roles/role';
import type { User } from '../../src/domain/users/user';
import { aUser } from './builders/user.builder';

export const EVERYTHING: Permission[] = [{ resource: '*', action: '*' }];

/** A clock that stands still until a test moves it. */
export class StoppedClock implements Clock {
  constructor(private at = new Date('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** Keeps error lines, so a test can see a compensation that did not happen. */
export class RecordingLogger implements Logger {
  readonly errors: string[] = [];
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(message: string): void {
    this.errors.push(message);
  }
  access(fields: AccessFields): void {
    if (fields.status >= 500) this.errors.push('request failed');
  }
}

export const tokenActor = (user: Pick<User, 'id'>, permissions: Permission[] = EVERYTHING): Actor => ({ userId: user.id, permissions, via: 'token' });
export const keyActor = (user: Pick<User, 'id'>, permissions: Permission[] = EVERYTHING): Actor => ({ userId: user.id, permissions, via: 'api-key', apiKeyId: 'k' });
export const tagOf = (r: E.Either<{ _tag: string }, unknown>): string => (E.isLeft(r) ? r.left._tag : 'Right');

export interface InMemoryRolesOptions {
  readonly auditLog?: AuditLog;
  readonly guard?: SuperuserGuardSettings;
}

/**
 * The ports and collaborators the roles and api-keys use cases need, on memory adapters, with
 * the built-in `admin` (`*:*`) and `user` roles seeded: build a use case with `new` on these.
 */
export const inMemoryRoles = async (options: InMemoryRolesOptions = {}) => {
  const users = new InMemoryUserRepository();
  const roles = new InMemoryRoleRepository();
  const apiKeys = new InMemoryApiKeyRepository();
  const auditLog = options.auditLog ?? new InMemoryAuditLog();
  const cache = new InMemoryCache();
  const leases = new InMemoryLeases();
  const uow = new InMemoryUnitOfWork();
  const ids = new ObjectIdGenerator();
  const clock = new StoppedClock();
  const logger = new RecordingLogger();
  const audit = new AuditRecorder(auditLog, ids, clock);
  const permissions = new PermissionResolver(roles, cache, logger);
  const guard = new SuperuserGuard(leases, roles, users, logger, options.guard ?? DEFAULT_SUPERUSER_GUARD);
  const lookup = new GrantableRoleLookup(users, roles);
  const accessCache = new AccessCache(cache, new JoseAccessTokens(randomBytes(32).toString('hex')), logger);
  const writer = new UserRolesWriter(users, accessCache, clock);

  const aRole = async (name: string, granted: Permission[] = [], system = false): Promise<Role> => {
    const built = newRole(ids.next() as RoleId, { name, permissions: granted }, clock.now(), system);
    if (E.isLeft(built) || (await roles.insert(built.right)) !== 'saved') throw new Error(`fixture role ${name}`);
    return built.right;
  };
  const admin = await aRole(ADMIN_ROLE, EVERYTHING, true);
  const user = await aRole(USER_ROLE, [], true);
  /** An active account holding `roleIds`. */
  const anAccount = async (roleIds: string[] = []): Promise<User> => {
    const account = { ...aUser({}, clock.now()), roleIds };
    if ((await users.insert(account)) !== 'inserted') throw new Error('fixture account');
    return account;
  };

  return { users, roles, apiKeys, auditLog, cache, leases, uow, ids, clock, logger, audit, permissions, accessCache, guard, lookup, writer, builtIn: { admin, user }, aRole, anAccount };
};

export type InMemoryRoles = Awaited<ReturnType<typeof inMemoryRoles>>;
