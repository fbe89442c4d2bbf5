import * as t from 'io-ts';
import { MAX_AGE, MAX_NAME_LENGTH, USER_STATUSES } from '../../../domain/users/user';
import { parseEmail } from '../../../domain/users/email';
import { Int, ObjectIdString, oneOf, parsedString, Str, strictObject } from '../decode';

const EmailString = parsedString('Email', parseEmail);

// Codecs check shape and size; the domain's constructors check meaning (a valid e-mail, a
// non-empty name after tags are stripped), so the rules live in one place.
export const CreateUserBody = strictObject(
  'CreateUserBody',
  { name: Str(MAX_NAME_LENGTH * 4), email: EmailString },
  { age: t.union([Int(0, MAX_AGE), t.null]) },
);
export type CreateUserBody = t.TypeOf<typeof CreateUserBody>;

export const UpdateUserBody = strictObject(
  'UpdateUserBody',
  {},
  { name: Str(MAX_NAME_LENGTH * 4), email: EmailString, age: t.union([Int(0, MAX_AGE), t.null]), status: oneOf(USER_STATUSES) },
);
export type UpdateUserBody = t.TypeOf<typeof UpdateUserBody>;

export const UserIdParams = t.type({ id: ObjectIdString });
