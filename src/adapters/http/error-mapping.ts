import type { ValidationFailed } from '../../domain/shared/field-error';
import type { FieldError } from '../../domain/shared/field-error';
import type { UserError } from '../../domain/users/user.errors';

/** Every expected failure a use case can return. Adding a tag without a case below fails the build. */
export type AppError = ValidationFailed | UserError;

export interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly errors?: readonly FieldError[];
}

export const toHttpFailure = (error: AppError): HttpFailure => {
  switch (error._tag) {
    case 'ValidationFailed':
      return { status: 400, message: 'The request is not valid', errors: error.errors };
    case 'UserNotFound':
      return { status: 404, message: 'User not found' };
    case 'EmailAlreadyInUse':
      return { status: 409, message: 'That email is already in use', errors: [{ path: 'email', message: 'is already in use' }] };
    case 'ConcurrentModification':
      return { status: 409, message: 'The user was changed by someone else; read it again and retry' };
  }
};
