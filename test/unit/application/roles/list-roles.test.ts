import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { ListRoles } from '../../../../src/application/roles/list-roles';
import { inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

describe('Roles :: ListRoles', () => {
  it('refuses an actor without roles:read', async () => {
    const k = await inMemoryRoles();
    const someone = await k.anAccount();
    expect(tagOf(await new ListRoles(k.roles).execute(tokenActor(someone, [])))).to.equal('PermissionDenied');
  });

  it('lists every role to a holder of roles:read', async () => {
    const k = await inMemoryRoles();
    const reader = await k.anAccount();
    const listed = await new ListRoles(k.roles).execute(tokenActor(reader, [{ resource: 'roles', action: 'read' }]));
    expect(E.isRight(listed) && listed.right.map((r) => r.name).sort()).to.deep.equal(['admin', 'user']);
  });
});
