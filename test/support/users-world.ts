import { PermissionResolver } from '../../src/application/roles/permission-resolver';
import * as E from 'fp-ts/Either';
import { InMemoryAccountTokenStore } from '../../src/adapters/memory/in-memory-account-token-store';
import { CryptoSecretTokens } from '../../src/adapters/security/crypto-secret-tokens';
import { AccountLinks } from '../../src/application/account/account-links';
import { EmailVerification } from '../../src/application/account/email-verification';
import { InMemoryApiKeyRepository } from '../../src/adapters/memory/in-memory-api-key-repository';
import { InMemoryAuditLog } from '../../src/adapters/memory/in-memory-audit-log';
import { InMemoryMfaStore } from '../../src/adapters/memory/in-memory-mfa-store';
import { InMemoryRefreshTokenStore } from '../../src/adapters/memory/in-memory-refresh-token-store';
import { InMemoryRoleRepository } from '../../src/adapters/memory/in-memory-role-repository';
import { InMemoryCache } from '../../src/adapters/memory/in-memory-cache';
import { InMemoryLeases } from '../../src/adapters/memory/in-memory-leases';
import { InMemoryOutboxStore } from '../../src/adapters/memory/in-memory-outbox';
import { InMemoryUserRepository } from '../../src/adapters/memory/in-memory-user-repository';
import { ObjectIdGenerator } from '../../src/adapters/system/object-id-generator';
import { AuditRecorder } from '../../src/application/audit/audit-recorder';
import { DescribeCaller } from '../../src/application/auth/describe-caller';
import { LiveSessions } from '../../src/application/auth/live-sessions';
import { PasswordRules } from '../../src/application/auth/passwords';
import { RegisterUser } from '../../src/application/auth/register-user';
import { AccessCache } from '../../src/application/cache/access-cache';
import { AccountMail } from '../../src/application/jobs/account-mail';
import { RelayOutbox } from '../../src/application/jobs/outbox-relay';
import type { Clock } from '../../src/application/ports/clock.port';
import type { AccountSettings } from '../../src/application/auth/account-settings';
import type { AccessTokens } from '../../src/application/ports/access-tokens.port';
import { SuperuserGuard } from '../../src/application/roles/superuser-guard';
import { CachedUserLookup } from '../../src/application/users/cached-user-lookup';
import { CreateUser } from '../../src/application/users/create-user';
import { DeleteUser } from '../../src/application/users/delete-user';
import { ExportUsers } from '../../src/application/users/export-users';
import { ListUsers } from '../../src/application/users/list-users';
import { ReadUser } from '../../src/application/users/read-user';
import { RestoreUser } from '../../src/application/users/restore-user';
import { UpdateUserProfile } from '../../src/application/users/update-user-profile';
import { UserCredentials } from '../../src/application/users/user-credentials';
import { UserStatsByRole } from '../../src/application/users/user-stats-by-role';
import type { Actor } from '../../src/domain/auth/actor';
import type { Permission } from '../../src/domain/roles/permission';
import { ADMIN_ROLE, newRole, type Role, type RoleId, USER_ROLE } from '../../src/domain/roles/role';
import type { User } from '../../src/domain/users/user';
import { aUser } from './builders/user.builder';
import { FastPasswordHasher } from './fast-hasher';
import { testSecretBox } from './mail';
import { silentLogger } from './logger';
import { RecordingJobQueue } from './recording-job-queue';

export const NOW = new Date('2026-06-01T12:00:00Z');
export const ACCOUNT_SETTINGS: AccountSettings = { appUrl: 'https://app.example', resetTtlMinutes: 60, verifyTtlHours: 48, requireVerifiedEmail: false, lockThreshold: 10, lockMinutes: 15 };
const fixedClock: Clock = { now: () => new Date(NOW) };

/** Access tokens are never issued here; sessions only need to know how long one can live. */
const tokens: AccessTokens = {
  ttlSeconds: 900,
  maxAgeSeconds: 960,
  issue: async () => Promise.reject(new Error('not issued in unit tests')),
  verify: async () => null,
};

/**
 * The users module's use cases built with `new` on in-memory adapters, a fixed clock and a fast
 * password hasher: no container, no argon2, each test in milliseconds.
 */
export const usersWorld = () => {
  const logger = silentLogger();
  const ids = new ObjectIdGenerator();
  const users = new InMemoryUserRepository();
  const roles = new InMemoryRoleRepository();
  const apiKeys = new InMemoryApiKeyRepository();
  const refreshTokens = new InMemoryRefreshTokenStore();
  const auditLog = new InMemoryAuditLog();
  const cache = new InMemoryCache();
  const queue = new RecordingJobQueue();
  const hasher = new FastPasswordHasher();

  const accessCache = new AccessCache(cache, tokens, logger);
  const lookup = new CachedUserLookup(users, cache, logger);
  const sessions = new LiveSessions(refreshTokens, lookup, accessCache, cache, fixedClock, logger);
  const guard = new SuperuserGuard(new InMemoryLeases(), roles, users, logger);
  const audit = new AuditRecorder(auditLog, ids, fixedClock);
  const accountTokens = new InMemoryAccountTokenStore();
  const credentials = new UserCredentials(sessions, apiKeys, accountTokens);
  const outbox = new InMemoryOutboxStore();
  const mail = new AccountMail(outbox, new RelayOutbox(outbox, queue, users, fixedClock, logger), ids, fixedClock, testSecretBox());
  const links = new AccountLinks(accountTokens, new CryptoSecretTokens(), ACCOUNT_SETTINGS, users, fixedClock);
  const verification = new EmailVerification(links, mail, audit);
  const register = new RegisterUser(users, roles, hasher, new PasswordRules({ score: () => 4 }), mail, verification, accessCache, ids, fixedClock);

  const role = async (name: string, permissions: Permission[]): Promise<Role> => {
    const made = newRole(ids.next() as RoleId, { name, permissions }, NOW, name === ADMIN_ROLE || name === USER_ROLE);
    if (E.isLeft(made)) throw new Error(`bad test role ${name}`);
    await roles.insert(made.right);
    return made.right;
  };

  /** A stored user holding the given roles. */
  const member = async (...held: Role[]): Promise<User> => {
    const user = { ...aUser({}, NOW), roleIds: held.map((r) => r.id) };
    await users.insert(user, await hasher.hash('irrelevant'));
    return user;
  };

  const permissions = new PermissionResolver(roles, cache, logger);

  return {
    adapters: { users, roles, apiKeys, refreshTokens, auditLog, cache, queue, hasher, outbox, accountTokens },
    accessCache,
    lookup,
    role,
    member,
    listUsers: new ListUsers(users),
    readUser: new ReadUser(lookup),
    createUser: new CreateUser(register),
    updateUserProfile: new UpdateUserProfile(users, guard, accessCache, permissions, credentials, audit, verification, fixedClock),
    deleteUser: new DeleteUser(users, credentials, guard, accessCache, audit, permissions, fixedClock),
    restoreUser: new RestoreUser(users, credentials, accessCache, audit, permissions, fixedClock),
    userStatsByRole: new UserStatsByRole(users, roles, cache, logger),
    exportUsers: new ExportUsers(users),
    describeCaller: new DescribeCaller(lookup, roles, new InMemoryMfaStore()),
  };
};

export const EVERYTHING: Permission[] = [{ resource: '*', action: '*' }];

/** An actor as authentication makes one for a bearer token, carrying the user it loaded. */
export const tokenActor = (user: User, permissions: readonly Permission[] = []): Actor => ({ userId: user.id, permissions, via: 'token', sessionId: 'session-1', user });

export const keyActor = (user: User, permissions: readonly Permission[] = []): Actor => ({ userId: user.id, permissions, via: 'api-key', apiKeyId: 'key-1', user });
