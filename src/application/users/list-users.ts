import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { User } from '../../domain/users/user';
import { authorize } from '../authorization';
import type { UserListQuery, UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/** One page of visible users, filtered and sorted; needs `users:read`. */
@injectable()
export class ListUsers {
  constructor(@inject(TYPES.UserRepository) private readonly users: UserRepository) {}

  async execute(actor: Actor, query: UserListQuery): Promise<E.Either<AuthError, { items: User[]; total: number }>> {
    const allowed = authorize(actor, 'users', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.users.list(query));
  }
}
