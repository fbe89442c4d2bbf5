import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { Role } from '../../domain/roles/role';
import { authorize } from '../authorization';
import type { RoleRepository } from '../ports/role-repository.port';
import { TYPES } from '../symbols';

/** Every role, for a holder of `roles:read`. */
@injectable()
export class ListRoles {
  constructor(@inject(TYPES.RoleRepository) private readonly roles: RoleRepository) {}

  async execute(actor: Actor): Promise<E.Either<AuthError, Role[]>> {
    const allowed = authorize(actor, 'roles', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.roles.list());
  }
}
