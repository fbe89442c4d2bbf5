import * as t from 'io-ts';
import { USER_SORT_FIELDS } from '../../../application/ports/user-repository.port';
import { parseRoleId } from '../../../domain/roles/role';
import { MAX_AGE, parseUserId, USER_STATUSES } from '../../../domain/users/user';
import { EmailString, NameString, RegisterBody } from '../auth/auth.codecs';
import { IdOf, Int, oneOf, Str, strictObject } from '../decode';
import { PageQuery } from '../pagination.codecs';

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

export const ListUsersQuery = strictObject('ListUsersQuery', {}, {
  ...PageQuery.props,
  sortBy: oneOf(USER_SORT_FIELDS),
  sortOrder: oneOf(['asc', 'desc'] as const),
  search: Str(100),
  status: oneOf(USER_STATUSES),
});

export const ExportQuery = strictObject('ExportQuery', {}, { format: oneOf(['json', 'ndjson'] as const) });
