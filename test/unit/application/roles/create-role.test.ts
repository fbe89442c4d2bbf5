import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { CreateRole } from '../../../../src/application/roles/create-role';
import { type InMemoryRoles, inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

const createRole = (k: InMemoryRoles) => new CreateRole(k.roles, k.audit, k.ids, k.clock);

describe('Roles :: CreateRole', () => {
  it('refuses an actor without roles:create', async () => {
    const k = await inMemoryRoles();
    const actor = tokenActor(await k.anAccount(), [{ resource: 'roles', action: 'read' }]);
    expect(tagOf(await createRole(k).execute(actor, { name: 'ops', permissions: [] }))).to.equal('PermissionDenied');
  });

  it('refuses to put a permission into a role that the actor does not hold (CannotGrant)', async () => {
    const k = await inMemoryRoles();
    const actor = tokenActor(await k.anAccount(), [{ resource: 'roles', action: 'create' }]);
    const result = await createRole(k).execute(actor, { name: 'ops', permissions: [{ resource: 'users', action: 'delete' }] });
    expect(E.isLeft(result) && result.left).to.deep.equal({ _tag: 'CannotGrant', permissions: [{ resource: 'users', action: 'delete' }] });
    expect(await k.roles.findByName('ops')).to.equal(null);
  });

  it('refuses a name already taken, and a name that is not valid', async () => {
    const k = await inMemoryRoles();
    const root = tokenActor(await k.anAccount());
    expect(tagOf(await createRole(k).execute(root, { name: 'user', permissions: [] }))).to.equal('RoleNameTaken');
    expect(tagOf(await createRole(k).execute(root, { name: '', permissions: [] }))).to.equal('ValidationFailed');
  });

  it('creates the role and records who did, with its permissions', async () => {
    const k = await inMemoryRoles();
    const root = tokenActor(await k.anAccount());
    const made = await createRole(k).execute(root, { name: 'ops', permissions: [{ resource: 'users', action: 'read' }] });
    if (E.isLeft(made)) throw new Error(made.left._tag);
    expect((await k.roles.findById(made.right.id))?.name).to.equal('ops');
    const { items } = await k.auditLog.list({ action: 'role.created', page: 1, limit: 10 });
    expect(items.map((e) => [e.actorId, e.after])).to.deep.equal([[root.userId, { name: 'ops', permissions: ['users:read'] }]]);
  });
});
