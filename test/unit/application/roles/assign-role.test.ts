import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { AssignRole } from '../../../../src/application/roles/assign-role';
import { CACHE_KEYS } from '../../../../src/application/cache/cache-keys';
import { type InMemoryRoles, inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

const assignRole = (k: InMemoryRoles) => new AssignRole(k.lookup, k.writer, k.audit);
const ASSIGN = [{ resource: 'roles', action: 'assign' }];

describe('Roles :: AssignRole', () => {
  it('refuses an actor without roles:assign', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    const target = await k.anAccount();
    expect(tagOf(await assignRole(k).execute(tokenActor(await k.anAccount(), []), target.id, ops.id))).to.equal('PermissionDenied');
  });

  it('refuses to hand out a role carrying a permission the actor does not hold (CannotGrant)', async () => {
    const k = await inMemoryRoles();
    const target = await k.anAccount();
    const assigner = tokenActor(await k.anAccount(), ASSIGN);
    expect(tagOf(await assignRole(k).execute(assigner, target.id, k.builtIn.admin.id))).to.equal('CannotGrant');
    expect((await k.users.findById(target.id))?.roleIds).to.deep.equal([]);
  });

  it('says RoleAlreadyAssigned for a role the user holds, and UserNotFound for a deleted user', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    const holder = await k.anAccount([ops.id]);
    const gone = await k.anAccount();
    await k.users.update({ ...gone, isDeleted: true, version: gone.version + 1 });
    const root = tokenActor(await k.anAccount([k.builtIn.admin.id]));
    expect(tagOf(await assignRole(k).execute(root, holder.id, ops.id))).to.equal('RoleAlreadyAssigned');
    expect(tagOf(await assignRole(k).execute(root, gone.id, ops.id))).to.equal('UserNotFound');
  });

  it('assigns the role, records it and forgets what was cached about the user', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    const target = await k.anAccount();
    await k.cache.set(CACHE_KEYS.permissions(target.id), [], 60);
    await k.cache.set(CACHE_KEYS.user(target.id), {}, 60);
    const assigned = await assignRole(k).execute(tokenActor(await k.anAccount(), ASSIGN), target.id, ops.id);
    expect(E.isRight(assigned) && assigned.right.roleIds).to.deep.equal([ops.id]);
    expect((await k.users.findById(target.id))?.roleIds).to.deep.equal([ops.id]);
    expect([await k.cache.get(CACHE_KEYS.permissions(target.id)), await k.cache.get(CACHE_KEYS.user(target.id))]).to.deep.equal([undefined, undefined]);
    const { items } = await k.auditLog.list({ action: 'user.role.assigned', page: 1, limit: 10 });
    expect(items.map((e) => e.after)).to.deep.equal([{ roleId: ops.id, role: 'ops' }]);
  });
});
