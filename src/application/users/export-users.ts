import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { User } from '../../domain/users/user';
import { authorize } from '../authorization';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/** Every visible user, streamed (never held in memory at once); needs `users:export`. */
@injectable()
export class ExportUsers {
  constructor(@inject(TYPES.UserRepository) private readonly users: UserRepository) {}

  async execute(actor: Actor): Promise<E.Either<AuthError, AsyncIterable<User>>> {
    const allowed = authorize(actor, 'users', 'export');
    return E.isLeft(allowed) ? allowed : E.right(this.users.streamVisible());
  }
}
