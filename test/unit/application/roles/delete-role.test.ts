import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { DeleteRole } from '../../../../src/application/roles/delete-role';
import { type InMemoryRoles, inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

const deleteRole = (k: InMemoryRoles) => new DeleteRole(k.roles, k.users, k.accessCache, k.audit, k.guard);

describe('Roles :: DeleteRole', () => {
  it('refuses an actor without roles:delete', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    expect(tagOf(await deleteRole(k).execute(tokenActor(await k.anAccount(), []), ops.id))).to.equal('PermissionDenied');
  });

  it('keeps built-in roles, roles someone holds, and roles carrying what the actor does not hold', async () => {
    const k = await inMemoryRoles();
    const root = tokenActor(await k.anAccount([k.builtIn.admin.id]));
    const held = await k.aRole('held');
    await k.anAccount([held.id]);
    const mighty = await k.aRole('mighty', [{ resource: 'users', action: 'delete' }]);
    const deleter = tokenActor(await k.anAccount(), [{ resource: 'roles', action: 'delete' }]);
    expect(tagOf(await deleteRole(k).execute(root, k.builtIn.user.id))).to.equal('SystemRoleProtected');
    expect(tagOf(await deleteRole(k).execute(root, held.id))).to.equal('RoleInUse');
    expect(tagOf(await deleteRole(k).execute(deleter, mighty.id))).to.equal('CannotGrant');
    expect(await k.roles.list()).to.have.length(4);
  });

  it('deletes an unused role and records it', async () => {
    const k = await inMemoryRoles();
    const root = tokenActor(await k.anAccount([k.builtIn.admin.id]));
    const ops = await k.aRole('ops');
    expect(E.isRight(await deleteRole(k).execute(root, ops.id))).to.equal(true);
    expect(await k.roles.findById(ops.id)).to.equal(null);
    expect((await k.auditLog.list({ action: 'role.deleted', page: 1, limit: 10 })).total).to.equal(1);
  });
});
