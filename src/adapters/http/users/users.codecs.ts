import * as t from 'io-ts';
import { USER_SORT_FIELDS, type UserListPosition, type UserSortField } from '../../../application/ports/user-repository.port';
import { parseRoleId } from '../../../domain/roles/role';
import { trustedId } from '../../../domain/shared/id';
import { MAX_AGE, parseUserId, USER_STATUSES } from '../../../domain/users/user';
import { EmailString, NameString, RegisterBody } from '../auth/auth.codecs';
import { BadInput, IdOf, Int, oneOf, Str, strictObject } from '../decode';
import { CursorString, type ListCursors, PageQuery, TotalFlag } from '../pagination.codecs';

// Codecs check shape and size and reuse the domain's parsers for names and e-mails; the domain's
// constructors check them again (and the password policy), so each rule lives in one place.
export const CreateUserBody = RegisterBody;

export const UpdateUserBody = strictObject(
  'UpdateUserBody',
  {},
  { name: NameString, email: EmailString, age: t.union([Int(0, MAX_AGE), t.null]), status: oneOf(USER_STATUSES) },
);
export type UpdateUserBody = t.TypeOf<typeof UpdateUserBody>;

const UserIdString = IdOf(parseUserId);
const RoleIdString = IdOf(parseRoleId);

export const UserIdParams = t.type({ id: UserIdString });
export const UserRoleParams = t.type({ id: UserIdString, roleId: RoleIdString });
export const AssignRoleBody = strictObject('AssignRoleBody', { roleId: RoleIdString });
export const TransferRoleBody = strictObject('TransferRoleBody', { fromRoleId: RoleIdString, toRoleId: RoleIdString });

const SORT_ORDERS = ['asc', 'desc'] as const;
type SortOrder = (typeof SORT_ORDERS)[number];

/**
 * `?page&limit&sortBy&sortOrder&search&status`, plus `total=false` (offset mode without the
 * count) or `after=<cursor>` (cursor mode: the page after a `nextCursor`). `page` and `after`
 * are two ways to say where a page starts, so they are refused together.
 */
export const ListUsersQuery = strictObject('ListUsersQuery', {}, {
  ...PageQuery.props,
  sortBy: oneOf(USER_SORT_FIELDS),
  sortOrder: oneOf(SORT_ORDERS),
  search: Str(100),
  status: oneOf(USER_STATUSES),
  total: TotalFlag,
  after: CursorString,
});
export type ListUsersQuery = t.TypeOf<typeof ListUsersQuery>;

/** A user-list cursor's payload: its format version, the order it walks, and where it stopped. */
const CURSOR_VERSION = 1;

export const userListCursor = (cursors: ListCursors, sortBy: UserSortField, sortOrder: SortOrder, at: UserListPosition): string =>
  cursors.seal([CURSOR_VERSION, sortBy, sortOrder, at.key, at.id]);

const NOT_A_CURSOR = 'is not a valid cursor: pass back the nextCursor of an earlier page unchanged';

/** The position a key must have for its sort field: anything else is not one we issued. */
const validKey = (sortBy: UserSortField, key: unknown): boolean => {
  switch (sortBy) {
    case 'createdAt':
      return Number.isSafeInteger(key) && !Number.isNaN(new Date(key as number).getTime());
    case 'name':
    case 'email':
      return typeof key === 'string' && key.length <= 1000;
    case 'age':
      return key === null || (Number.isInteger(key) && (key as number) >= 0 && (key as number) <= MAX_AGE);
  }
};

/**
 * Where a cursor-mode page starts and in which order, from `after` and the query: the cursor
 * must be one we sealed and hold a position of its own order; a `sortBy`/`sortOrder` given with
 * it must be that order (a position in one order means nothing in another). Each refusal is a
 * 400 naming the field.
 */
export const openUserListCursor = (
  cursors: ListCursors,
  q: ListUsersQuery & { after: string },
): { sortBy: UserSortField; sortOrder: SortOrder; after: UserListPosition } => {
  if (q.page !== undefined) throw new BadInput([{ path: 'after', message: 'cannot be combined with page: page through by number or by cursor, not both' }]);
  if (q.total === 'true') throw new BadInput([{ path: 'total', message: 'is not available with after: a cursor page is not counted (ask for page=1 to count)' }]);
  const payload = cursors.open(q.after);
  const [version, sortBy, sortOrder, key, id] = payload ?? [];
  const known =
    payload?.length === 5 &&
    version === CURSOR_VERSION &&
    (USER_SORT_FIELDS as readonly unknown[]).includes(sortBy) &&
    (SORT_ORDERS as readonly unknown[]).includes(sortOrder) &&
    typeof id === 'string' &&
    /^[0-9a-f]{24}$/.test(id) &&
    validKey(sortBy as UserSortField, key);
  if (!known) throw new BadInput([{ path: 'after', message: NOT_A_CURSOR }]);
  const order = { sortBy: sortBy as UserSortField, sortOrder: sortOrder as SortOrder };
  if ((q.sortBy !== undefined && q.sortBy !== order.sortBy) || (q.sortOrder !== undefined && q.sortOrder !== order.sortOrder)) {
    throw new BadInput([{ path: 'after', message: `continues a list sorted by sortBy=${order.sortBy}&sortOrder=${order.sortOrder}; ask in that order, or start again without after` }]);
  }
  return { ...order, after: { key: key as UserListPosition['key'], id: trustedId(parseUserId, id as string) } };
};

export const ExportQuery = strictObject('ExportQuery', {}, { format: oneOf(['json', 'ndjson'] as const) });
