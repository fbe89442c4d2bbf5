import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { GetRole } from '../../../../src/application/roles/get-role';
import type { RoleId } from '../../../../src/domain/roles/role';
import { newId } from '../../../support/builders/user.builder';
import { inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

const READ = [{ resource: 'roles', action: 'read' }];

describe('Roles :: GetRole', () => {
  it('refuses an actor without roles:read', async () => {
    const k = await inMemoryRoles();
    expect(tagOf(await new GetRole(k.roles).execute(tokenActor(await k.anAccount(), []), k.builtIn.user.id))).to.equal('PermissionDenied');
  });

  it('finds a role by id, and says RoleNotFound for an unknown one', async () => {
    const k = await inMemoryRoles();
    const reader = tokenActor(await k.anAccount(), READ);
    const found = await new GetRole(k.roles).execute(reader, k.builtIn.user.id);
    expect(E.isRight(found) && found.right.name).to.equal('user');
    expect(tagOf(await new GetRole(k.roles).execute(reader, newId() as RoleId))).to.equal('RoleNotFound');
  });
});
