import type { PasswordHistoryEntry } from '../../domain/auth/password-policy';
import type { Email } from '../../domain/users/email';
import type { User, UserId, UserStatus } from '../../domain/users/user';
import type { Tx } from './unit-of-work.port';

export type InsertUserResult = 'inserted' | 'email-taken';
export type UpdateUserResult = 'updated' | 'not-found' | 'email-taken' | 'version-conflict';

export const USER_SORT_FIELDS = ['createdAt', 'name', 'email', 'age'] as const;
export type UserSortField = (typeof USER_SORT_FIELDS)[number];

export interface UserListQuery {
  readonly page: number;
  readonly limit: number;
  readonly sortBy: UserSortField;
  readonly sortOrder: 'asc' | 'desc';
  /** Matches the start of the name or the e-mail, ignoring case; taken literally, never as a pattern. */
  readonly search?: string;
  readonly status?: UserStatus;
}

export interface RoleMembers {
  readonly roleId: string;
  readonly totalUsers: number;
  readonly ageSum: number;
  readonly ageCount: number;
  readonly users: readonly { readonly name: string; readonly email: string }[];
}

/**
 * Where users live. Reads return users with their soft-delete flags; the listing, the stats and
 * the export leave deleted users out. Password hashes leave only through `findCredentials` and
 * `passwordHistory`. Email lookups compare normalised addresses.
 */
export interface UserRepository {
  findById(id: UserId): Promise<User | null>;
  findByEmail(email: Email): Promise<User | null>;
  insert(user: User, passwordHash?: string): Promise<InsertUserResult>;
  /** Writes `user` if the stored version is `user.version - 1` (optimistic concurrency). */
  update(user: User, tx?: Tx): Promise<UpdateUserResult>;
  list(query: UserListQuery): Promise<{ items: User[]; total: number }>;
  findCredentials(email: Email): Promise<{ user: User; passwordHash: string } | null>;
  /** The current hash first, then the earlier ones, newest first. */
  passwordHistory(id: UserId): Promise<PasswordHistoryEntry[]>;
  setPassword(id: UserId, history: readonly PasswordHistoryEntry[]): Promise<void>;
  /**
   * Marks the user's e-mail verified at `at`, only while the user (not deleted) still has
   * `email` (the address a verification link was mailed to), bumping the version so an update
   * made against the unverified user conflicts. Answers the user as it now is (unchanged if it
   * was verified already), or null: no such user, deleted, or another address by now.
   */
  markEmailVerified(id: UserId, email: Email, at: Date): Promise<User | null>;
  countWithRole(roleId: string): Promise<number>;
  /** Active, not deleted users holding any of `roleIds`, leaving out `exceptUserId` if given. */
  countActiveWithAnyRole(roleIds: readonly string[], exceptUserId?: string): Promise<number>;
  membersByRole(): Promise<RoleMembers[]>;
  /** Every visible user, read from a cursor: memory stays flat whatever the count. */
  streamVisible(): AsyncIterable<User>;
}
