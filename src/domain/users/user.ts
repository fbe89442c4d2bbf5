import * as E from 'fp-ts/Either';
import { type EntityId, parseId } from '../shared/id';
import { type FieldError, fieldError } from '../shared/field-error';
import { cleanText, hasInvisibleCharacter, hasVisibleCharacter, INVISIBLE_CHARACTERS } from '../shared/text';
import { type Email, emailKey, parseEmail } from './email';

export type UserId = EntityId<'UserId'>;
export const parseUserId = parseId('UserId');

export type UserStatus = 'active' | 'suspended';
export const USER_STATUSES: readonly UserStatus[] = ['active', 'suspended'];

/**
 * A user as the rest of the system sees it. Secrets (the password hash and its history) are
 * not part of this type: they live behind the repository and only the credential use cases
 * ask for them.
 */
export interface User {
  readonly id: UserId;
  readonly name: string;
  readonly email: Email;
  /** The owner proved they read mail at `email` (a verification link); false again when it changes. */
  readonly emailVerified: boolean;
  readonly emailVerifiedAt: Date | null;
  readonly age: number | null;
  readonly status: UserStatus;
  readonly roleIds: readonly string[];
  readonly isDeleted: boolean;
  readonly deletedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Bumped on every write; repositories refuse an update made against an older version. */
  readonly version: number;
}

export const MAX_NAME_LENGTH = 100;
export const MAX_AGE = 150;

export interface UserInput {
  readonly name: string;
  readonly email: string;
  readonly age?: number | null;
}

export interface UserChanges {
  readonly name?: string;
  readonly email?: string;
  readonly age?: number | null;
  readonly status?: UserStatus;
}

/** Raw input beyond this is refused before cleaning (tags make a name shrink). */
export const MAX_RAW_NAME_LENGTH = MAX_NAME_LENGTH * 4;

/**
 * A display name: no control, format or invisible characters (refused, not stripped: stripping
 * would still let a twin through), tags removed, white space folded, NFC, and at least one
 * character a reader can see.
 */
export const parseName = (raw: string): E.Either<string, string> => {
  if (raw.length > MAX_RAW_NAME_LENGTH) return E.left(`must be at most ${MAX_NAME_LENGTH} characters`);
  if (hasInvisibleCharacter(raw)) return E.left(INVISIBLE_CHARACTERS);
  const name = cleanText(raw).normalize('NFC');
  if (name.length === 0) return E.left('is required');
  if (!hasVisibleCharacter(name)) return E.left('must contain a visible character');
  if (name.length > MAX_NAME_LENGTH) return E.left(`must be at most ${MAX_NAME_LENGTH} characters`);
  return E.right(name);
};

const checkName = (raw: string, errors: FieldError[]): string => {
  const parsed = parseName(raw);
  if (E.isRight(parsed)) return parsed.right;
  errors.push(fieldError('name', parsed.left));
  return '';
};

const checkEmail = (raw: string, errors: FieldError[]): Email => {
  const parsed = parseEmail(raw);
  if (E.isLeft(parsed)) {
    errors.push(fieldError('email', parsed.left));
    return '' as Email;
  }
  return parsed.right;
};

const checkAge = (age: number | null | undefined, errors: FieldError[]): number | null => {
  if (age === undefined || age === null) return null;
  if (!Number.isInteger(age) || age < 0 || age > MAX_AGE) errors.push(fieldError('age', `must be a whole number from 0 to ${MAX_AGE}`));
  return age;
};

/** Builds a new, active user with an unverified e-mail; every broken rule is reported, not just the first. */
export const newUser = (
  id: UserId,
  input: UserInput,
  now: Date,
  roleIds: readonly string[] = [],
): E.Either<readonly FieldError[], User> => {
  const errors: FieldError[] = [];
  const name = checkName(input.name, errors);
  const email = checkEmail(input.email, errors);
  const age = checkAge(input.age, errors);
  if (errors.length > 0) return E.left(errors);
  return E.right({
    id,
    name,
    email,
    emailVerified: false,
    emailVerifiedAt: null,
    age,
    status: 'active',
    roleIds: [...roleIds],
    isDeleted: false,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
};

/**
 * Applies a partial change; fields left out stay as they were. A new e-mail address is not
 * verified, whoever set it: only its owner can prove they read mail there.
 */
export const changeUser = (user: User, changes: UserChanges, now: Date): E.Either<readonly FieldError[], User> => {
  const errors: FieldError[] = [];
  const name = changes.name === undefined ? user.name : checkName(changes.name, errors);
  const email = changes.email === undefined ? user.email : checkEmail(changes.email, errors);
  const age = changes.age === undefined ? user.age : checkAge(changes.age, errors);
  if (errors.length > 0) return E.left(errors);
  const sameEmail = emailKey(email) === emailKey(user.email);
  return E.right({
    ...user,
    name,
    email,
    emailVerified: sameEmail && user.emailVerified,
    emailVerifiedAt: sameEmail ? user.emailVerifiedAt : null,
    age,
    status: changes.status ?? user.status,
    updatedAt: now,
    version: user.version + 1,
  });
};

/** The user once the owner proved they read mail at their current address, at `now`. */
export const markEmailVerified = (user: User, now: Date): User =>
  user.emailVerified ? user : { ...user, emailVerified: true, emailVerifiedAt: now, updatedAt: now, version: user.version + 1 };

/** Did a change move the user to another mailbox (not just another spelling of the same one)? */
export const emailChanged = (before: Pick<User, 'email'>, after: Pick<User, 'email'>): boolean => emailKey(before.email) !== emailKey(after.email);
