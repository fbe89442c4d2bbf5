import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { ObjectIdGenerator } from '../../../../src/adapters/system/object-id-generator';
import type { RegisterUser } from '../../../../src/application/auth/register-user';
import { SeedAccess } from '../../../../src/application/auth/seed-access';
import { ADMIN_ROLE } from '../../../../src/domain/roles/role';
import { silentLogger } from '../../../support/logger';
import { NOW, usersWorld } from '../../../support/users-world';

const ADMIN = { email: 'root@nexus.test', password: 'Root-Access-Granted-77' };

/** A RegisterUser whose insert loses to another instance's: `before` runs, then EmailAlreadyInUse. */
const losingRegister = (before: () => Promise<unknown>): RegisterUser =>
  ({
    execute: async () => {
      await before();
      return E.left({ _tag: 'EmailAlreadyInUse' });
    },
  }) as unknown as RegisterUser;

describe('Auth :: SeedAccess (the first admin, with several instances starting at once)', () => {
  const seed = (w: ReturnType<typeof usersWorld>, register: RegisterUser): SeedAccess =>
    new SeedAccess(w.adapters.roles, w.adapters.users, register, new ObjectIdGenerator(), { now: () => new Date(NOW) }, silentLogger());

  it('starts when another instance created the admin between its check and its insert', async () => {
    const w = usersWorld();
    const register = losingRegister(async () => {
      const adminRole = await w.adapters.roles.findByName(ADMIN_ROLE);
      await w.member(adminRole!);
    });
    await seed(w, register).execute(ADMIN);
  });

  it('still refuses to start when the address belongs to an account that is not an admin', async () => {
    const w = usersWorld();
    const register = losingRegister(async () => w.member());
    let failure: unknown;
    await seed(w, register).execute(ADMIN).catch((err: unknown) => (failure = err));
    expect(String(failure)).to.include('cannot create the first admin').and.include('EmailAlreadyInUse');
  });
});
