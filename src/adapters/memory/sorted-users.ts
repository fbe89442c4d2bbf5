import { USER_SORT_FIELDS, type UserListPosition, type UserSortField, type UserSortKey, userSortKey } from '../../application/ports/user-repository.port';
import type { User } from '../../domain/users/user';

interface Entry {
  readonly key: UserSortKey;
  readonly id: string;
}

/**
 * The in-memory adapter's indexes: for each sort field, the visible users' (key, id) pairs in
 * ascending order, kept sorted as users are written. A page then starts with a binary search
 * and reads only the entries it returns (plus those its filters pass over), instead of sorting
 * every user on every request: what MongoDB's compound indexes do for the other adapter.
 */
export class SortedUsers {
  private readonly byField = new Map<UserSortField, Entry[]>(USER_SORT_FIELDS.map((f) => [f, []]));

  /** Records a write: `before` is the stored user it replaces, if any. Deleted users are left out. */
  put(user: User, before?: User): void {
    for (const field of USER_SORT_FIELDS) {
      const entries = this.byField.get(field)!;
      if (before && !before.isDeleted) {
        const at = lowerBound(entries, { key: userSortKey(before, field), id: before.id });
        if (entries[at]?.id === before.id) entries.splice(at, 1);
      }
      if (!user.isDeleted) {
        const entry = { key: userSortKey(user, field), id: user.id };
        entries.splice(lowerBound(entries, entry), 0, entry);
      }
    }
  }

  /** Visible users. */
  get size(): number {
    return this.byField.get('createdAt')!.length;
  }

  /**
   * Ids in the order of `field` and `order`, starting after `after` when given: lazily, so the
   * caller reads only what it needs.
   */
  *walk(field: UserSortField, order: 'asc' | 'desc', after?: UserListPosition): Generator<string> {
    const entries = this.byField.get(field)!;
    if (order === 'asc') {
      for (let i = after ? upperBound(entries, after) : 0; i < entries.length; i++) yield entries[i]!.id;
    } else {
      for (let i = (after ? lowerBound(entries, after) : entries.length) - 1; i >= 0; i--) yield entries[i]!.id;
    }
  }
}

/** MongoDB's order for these keys: null before numbers; strings and numbers by value; then the id. */
export const compareKeys = (a: Entry, b: Entry): number => compareKey(a.key, b.key) || compareScalar(a.id, b.id);

const compareKey = (a: UserSortKey, b: UserSortKey): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareScalar(a, b);
};

const compareScalar = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** The first index whose entry is not below `target`. */
const lowerBound = (entries: readonly Entry[], target: Entry): number => {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(entries[mid]!, target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** The first index whose entry is above `target`. */
const upperBound = (entries: readonly Entry[], target: Entry): number => {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(entries[mid]!, target) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
