import * as E from 'fp-ts/Either';
import { type EntityId, parseId } from '../shared/id';
import { type FieldError, fieldError } from '../shared/field-error';
import { parseDescription } from '../shared/text';
import { dedupe, parsePermission, type Permission } from './permission';

export type RoleId = EntityId<'RoleId'>;
export const parseRoleId = parseId('RoleId');

export interface Role {
  readonly id: RoleId;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
  /** The seeded `admin` and `user` roles: they cannot be renamed or deleted. */
  readonly system: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

export const ADMIN_ROLE = 'admin';
export const USER_ROLE = 'user';
export const MAX_PERMISSIONS = 100;

const NAME = /^[a-z][a-z0-9_-]{1,39}$/;

export interface RoleInput {
  readonly name: string;
  readonly description?: string;
  readonly permissions: readonly { resource: string; action: string }[];
}

const checkPermissions = (raw: RoleInput['permissions'], errors: FieldError[]): Permission[] => {
  if (raw.length > MAX_PERMISSIONS) errors.push(fieldError('permissions', `must hold at most ${MAX_PERMISSIONS} entries`));
  const out: Permission[] = [];
  raw.forEach((p, i) => {
    const parsed = parsePermission(p);
    if (E.isLeft(parsed)) errors.push(fieldError(`permissions.${i}`, parsed.left));
    else out.push(parsed.right);
  });
  return dedupe(out);
};

const MAX_DESCRIPTION_LENGTH = 500;

const checkDescription = (raw: string, errors: FieldError[]): string => {
  const parsed = parseDescription(raw, MAX_DESCRIPTION_LENGTH);
  if (E.isRight(parsed)) return parsed.right;
  errors.push(fieldError('description', parsed.left));
  return '';
};

const checkName = (name: string, errors: FieldError[]): string => {
  if (!NAME.test(name)) errors.push(fieldError('name', 'must be 2-40 lowercase letters, digits, - or _, starting with a letter'));
  return name;
};

export const newRole = (id: RoleId, input: RoleInput, now: Date, system = false): E.Either<readonly FieldError[], Role> => {
  const errors: FieldError[] = [];
  const name = checkName(input.name, errors);
  const description = checkDescription(input.description ?? '', errors);
  const permissions = checkPermissions(input.permissions, errors);
  if (errors.length > 0) return E.left(errors);
  return E.right({ id, name, description, permissions, system, createdAt: now, updatedAt: now, version: 1 });
};

export interface RoleChanges {
  readonly name?: string;
  readonly description?: string;
  readonly permissions?: readonly { resource: string; action: string }[];
}

export const changeRole = (role: Role, changes: RoleChanges, now: Date): E.Either<readonly FieldError[], Role> => {
  const errors: FieldError[] = [];
  if (role.system && changes.name !== undefined && changes.name !== role.name) errors.push(fieldError('name', 'a system role cannot be renamed'));
  const name = changes.name === undefined ? role.name : checkName(changes.name, errors);
  const description = changes.description === undefined ? role.description : checkDescription(changes.description, errors);
  const permissions = changes.permissions === undefined ? role.permissions : checkPermissions(changes.permissions, errors);
  if (errors.length > 0) return E.left(errors);
  return E.right({
    ...role,
    name,
    description,
    permissions,
    updatedAt: now,
    version: role.version + 1,
  });
};
