import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { CACHE_KEYS } from '../../../../src/application/cache/cache-keys';
import { UpdateRole } from '../../../../src/application/roles/update-role';
import type { Actor } from '../../../../src/domain/auth/actor';
import { EVERYTHING, type InMemoryRoles, inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

const updateRole = (k: InMemoryRoles) => new UpdateRole(k.roles, k.accessCache, k.audit, k.clock, k.guard);

describe('Roles :: UpdateRole', () => {
  it('refuses an actor without roles:update', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    expect(tagOf(await updateRole(k).execute(tokenActor(await k.anAccount(), []), ops.id, { description: 'x' }))).to.equal('PermissionDenied');
  });

  it('freezes admin, and lets only a holder of *:* change user', async () => {
    const k = await inMemoryRoles();
    const root = await k.anAccount([k.builtIn.admin.id]);
    const manager: Actor = tokenActor(root, [{ resource: 'roles', action: '*' }, { resource: 'users', action: 'read' }]);
    const readUsers = { permissions: [{ resource: 'users', action: 'read' }] };
    expect(tagOf(await updateRole(k).execute(manager, k.builtIn.user.id, readUsers))).to.equal('BuiltInRoleNeedsSuperuser');
    expect(tagOf(await updateRole(k).execute(tokenActor(root), k.builtIn.admin.id, { description: 'mine' }))).to.equal('BuiltInRoleFrozen');
    expect(tagOf(await updateRole(k).execute(tokenActor(root), k.builtIn.user.id, readUsers))).to.equal('Right');
    expect((await k.roles.findByName('admin'))?.permissions).to.deep.equal(EVERYTHING);
  });

  it('refuses editing a role that carries a permission the actor does not hold, even to remove it', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops', [{ resource: 'users', action: 'delete' }]);
    const manager = tokenActor(await k.anAccount(), [{ resource: 'roles', action: 'update' }]);
    expect(tagOf(await updateRole(k).execute(manager, ops.id, { permissions: [] }))).to.equal('CannotGrant');
    expect((await k.roles.findById(ops.id))?.permissions).to.have.length(1);
  });

  it('refuses to stop a role granting *:* when its holders are the last ones (LastSuperuser)', async () => {
    const k = await inMemoryRoles();
    const everything = await k.aRole('everything', EVERYTHING);
    const root = await k.anAccount([everything.id]);
    expect(tagOf(await updateRole(k).execute(tokenActor(root), everything.id, { permissions: [] }))).to.equal('LastSuperuser');
  });

  it('saves the change, forgets every cached permission set and records before and after', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    const root = await k.anAccount([k.builtIn.admin.id]);
    await k.cache.set(CACHE_KEYS.permissions(root.id), [], 60);
    const updated = await updateRole(k).execute(tokenActor(root), ops.id, { permissions: [{ resource: 'users', action: 'read' }] });
    expect(E.isRight(updated) && updated.right.permissions).to.deep.equal([{ resource: 'users', action: 'read' }]);
    expect(await k.cache.get(CACHE_KEYS.permissions(root.id))).to.equal(undefined);
    const { items } = await k.auditLog.list({ action: 'role.updated', page: 1, limit: 10 });
    expect(items.map((e) => [e.before, e.after])).to.deep.equal([[{ name: 'ops', permissions: [] }, { name: 'ops', permissions: ['users:read'] }]]);
  });
});
