import type { PasswordHistoryEntry } from '../../domain/auth/password-policy';
import type { Email } from '../../domain/users/email';
import type { User, UserId, UserStatus } from '../../domain/users/user';
import type { Tx } from './unit-of-work.port';

export type InsertUserResult = 'inserted' | 'email-taken';
export type UpdateUserResult = 'updated' | 'not-found' | 'email-taken' | 'version-conflict';

export const USER_SORT_FIELDS = ['createdAt', 'name', 'email', 'age'] as const;
export type UserSortField = (typeof USER_SORT_FIELDS)[number];

/**
 * A user's value in a list's sort order: `createdAt` in epoch milliseconds, the name lower-cased
 * (NFC), the normalised e-mail, or the age (`null` sorts before every age, as MongoDB sorts it).
 */
export type UserSortKey = number | string | null;

/** A place in a sorted list: the sort key and the id that breaks ties between equal keys. */
export interface UserListPosition {
  readonly key: UserSortKey;
  readonly id: UserId;
}

export interface UserListQuery {
  readonly limit: number;
  readonly sortBy: UserSortField;
  readonly sortOrder: 'asc' | 'desc';
  /** Matches the start of the name or the e-mail, ignoring case; taken literally, never as a pattern. */
  readonly search?: string;
  readonly status?: UserStatus;
  /**
   * Which page: by number (offset: skips `(page - 1) * limit` matches), or the `limit` users
   * that follow a position in the sort order (keyset: costs the same wherever it starts).
   */
  readonly from: { readonly page: number } | { readonly after: UserListPosition };
  /** Count every match too (one more pass over the matches); a keyset walk needs no total. */
  readonly withTotal: boolean;
}

export interface UserListPage {
  readonly items: User[];
  /** Every match, when asked for (`withTotal`); otherwise null. */
  readonly total: number | null;
  /** Where the next page starts (the last item's position) while more users follow; null at the end. */
  readonly next: UserListPosition | null;
}

/** The position of `user` in a list sorted by `sortBy`: what both adapters sort and seek on. */
export const userSortKey = (user: User, sortBy: UserSortField): UserSortKey => {
  switch (sortBy) {
    case 'createdAt':
      return user.createdAt.getTime();
    case 'name':
      return user.name.normalize('NFC').toLowerCase();
    case 'email':
      return user.email;
    case 'age':
      return user.age;
  }
};

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
  /** One page of visible (not deleted) users, sorted by the sort key, then by id, in `sortOrder`. */
  list(query: UserListQuery): Promise<UserListPage>;
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
