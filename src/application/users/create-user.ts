import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { ValidationFailed } from '../../domain/shared/field-error';
import type { User } from '../../domain/users/user';
import type { UserError } from '../../domain/users/user.errors';
import { authorize } from '../authorization';
import type { NewAccount, RegisterUser } from '../auth/register-user';
import { TYPES } from '../symbols';

/** An account made by someone holding `users:create`, exactly as if the person had registered. */
@injectable()
export class CreateUser {
  constructor(@inject(TYPES.RegisterUser) private readonly register: RegisterUser) {}

  async execute(actor: Actor, input: NewAccount): Promise<E.Either<AuthError | ValidationFailed | UserError, User>> {
    const allowed = authorize(actor, 'users', 'create');
    return E.isLeft(allowed) ? allowed : this.register.execute(input);
  }
}
