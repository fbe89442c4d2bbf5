import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { newRole, parseRoleId, type Role, type RoleInput } from '../../domain/roles/role';
import { trustedId } from '../../domain/shared/id';
import { type RoleError, roleNameTaken } from '../../domain/roles/role.errors';
import { type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { AuditRecorder } from '../audit/audit-recorder';
import { authorize, refuseEscalation } from '../authorization';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { RoleRepository } from '../ports/role-repository.port';
import { TYPES } from '../symbols';
import { roleSnapshot } from './role-snapshot';

/** Needs `roles:create`; nobody can put a permission into a role that they do not hold themselves. */
@injectable()
export class CreateRole {
  constructor(
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, input: RoleInput): Promise<E.Either<ValidationFailed | AuthError | RoleError, Role>> {
    const allowed = authorize(actor, 'roles', 'create');
    if (E.isLeft(allowed)) return allowed;
    const built = newRole(trustedId(parseRoleId, this.ids.next()), input, this.clock.now());
    if (E.isLeft(built)) return E.left(validationFailed(built.left));
    const grantable = refuseEscalation(actor, built.right.permissions);
    if (E.isLeft(grantable)) return grantable;
    if ((await this.roles.insert(built.right)) === 'name-taken') return E.left(roleNameTaken(built.right.name));
    await this.audit.record({ actorId: actor.userId, action: 'role.created', target: { type: 'role', id: built.right.id }, after: roleSnapshot(built.right) });
    return E.right(built.right);
  }
}
