import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { authorize } from '../authorization';
import type { UserListPage, UserListQuery, UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/**
 * One page of visible users, filtered and sorted, by page number or after a position (keyset);
 * counted only when asked. Needs `users:read`.
 */
@injectable()
export class ListUsers {
  constructor(@inject(TYPES.UserRepository) private readonly users: UserRepository) {}

  async execute(actor: Actor, query: UserListQuery): Promise<E.Either<AuthError, UserListPage>> {
    const allowed = authorize(actor, 'users', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.users.list(query));
  }
}
