import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { Role, RoleId } from '../../domain/roles/role';
import { type RoleError, roleNotFound } from '../../domain/roles/role.errors';
import { authorize } from '../authorization';
import type { RoleRepository } from '../ports/role-repository.port';
import { TYPES } from '../symbols';

/** One role by id, for a holder of `roles:read`. */
@injectable()
export class GetRole {
  constructor(@inject(TYPES.RoleRepository) private readonly roles: RoleRepository) {}

  async execute(actor: Actor, id: RoleId): Promise<E.Either<AuthError | RoleError, Role>> {
    const allowed = authorize(actor, 'roles', 'read');
    if (E.isLeft(allowed)) return allowed;
    const role = await this.roles.findById(id);
    return role ? E.right(role) : E.left(roleNotFound(id));
  }
}
