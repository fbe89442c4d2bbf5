import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ADMIN_ROLE, newRole, parseRoleId, USER_ROLE } from '../../domain/roles/role';
import { trustedId } from '../../domain/shared/id';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { Logger } from '../ports/logger.port';
import type { RoleRepository } from '../ports/role-repository.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';
import type { RegisterUser } from './register-user';

/**
 * Run at start-up, idempotently: the `admin` (`*:*`) and `user` roles exist, and when an admin
 * e-mail and password are configured and nobody holds `admin`, that account is created.
 */
@injectable()
export class SeedAccess {
  constructor(
    @inject(TYPES.RoleRepository) private readonly roles: RoleRepository,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.RegisterUser) private readonly register: RegisterUser,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async execute(admin?: { email: string; password: string }): Promise<void> {
    await this.ensureRole(ADMIN_ROLE, 'Everything', [{ resource: '*', action: '*' }]);
    await this.ensureRole(USER_ROLE, 'Acts on itself only', []);
    if (!admin) return;
    const adminRole = await this.roles.findByName(ADMIN_ROLE);
    if (!adminRole || (await this.users.countWithRole(adminRole.id)) > 0) return;
    // The operator configured this address: it counts as verified (no verification link).
    const created = await this.register.execute({ name: 'Administrator', email: admin.email, password: admin.password }, [ADMIN_ROLE], { emailVerified: true });
    if (E.isLeft(created)) {
      // Instances starting together both found no admin; the one that lost the race for the
      // e-mail finds the admin the other created (an ordinary account with that e-mail still fails).
      if (created.left._tag === 'EmailAlreadyInUse' && (await this.users.countWithRole(adminRole.id)) > 0) return;
      const reason = created.left._tag === 'ValidationFailed' ? created.left.errors.map((e) => `${e.path} ${e.message}`).join('; ') : created.left._tag;
      throw new Error(`cannot create the first admin from NEXUS_ADMIN_EMAIL / NEXUS_ADMIN_PASSWORD: ${reason}`);
    }
    this.logger.info('created the first admin', { userId: created.right.id });
  }

  private async ensureRole(name: string, description: string, permissions: { resource: string; action: string }[]): Promise<void> {
    if (await this.roles.findByName(name)) return;
    const role = newRole(trustedId(parseRoleId, this.ids.next()), { name, description, permissions }, this.clock.now(), true);
    if (E.isLeft(role)) throw new Error(`seed role ${name} is invalid`);
    const saved = await this.roles.insert(role.right);
    // Two instances starting together: one inserts, the other finds the name taken. Both fine.
    if (saved !== 'saved' && saved !== 'name-taken') throw new Error(`could not seed role ${name}: ${saved}`);
  }
}
