import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { SUPERUSER_LEASE } from '../../../../src/application/roles/superuser-guard';
import { UnassignRole } from '../../../../src/application/roles/unassign-role';
import { type InMemoryRoles, inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

const unassignRole = (k: InMemoryRoles) => new UnassignRole(k.lookup, k.writer, k.audit, k.guard);

describe('Roles :: UnassignRole', () => {
  it('refuses an actor without roles:assign', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    const holder = await k.anAccount([ops.id]);
    expect(tagOf(await unassignRole(k).execute(tokenActor(await k.anAccount(), []), holder.id, ops.id))).to.equal('PermissionDenied');
  });

  it('says RoleNotAssigned for a role the user does not hold', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    const root = await k.anAccount([k.builtIn.admin.id]);
    expect(tagOf(await unassignRole(k).execute(tokenActor(root), root.id, ops.id))).to.equal('RoleNotAssigned');
  });

  it('refuses to take *:* from its last holder (LastSuperuser)', async () => {
    const k = await inMemoryRoles();
    const root = await k.anAccount([k.builtIn.admin.id]);
    expect(tagOf(await unassignRole(k).execute(tokenActor(root), root.id, k.builtIn.admin.id))).to.equal('LastSuperuser');
    expect((await k.users.findById(root.id))?.roleIds).to.deep.equal([k.builtIn.admin.id]);
  });

  it('serialises concurrent mutual demotions so that one holder remains', async () => {
    const k = await inMemoryRoles();
    const adminRole = k.builtIn.admin.id;
    const admins = await Promise.all([1, 2, 3, 4].map(() => k.anAccount([adminRole])));
    const unassign = unassignRole(k);
    const results = await Promise.all(admins.flatMap((by) => admins.filter((t) => t !== by).map((t) => unassign.execute(tokenActor(by), t.id, adminRole))));
    expect(results.filter(E.isRight)).to.have.length(admins.length - 1);
    expect(await k.users.countActiveWithAnyRole([adminRole])).to.equal(1);
    expect(results.map(tagOf).filter((t) => t === 'LastSuperuser').length).to.be.at.least(1);
  });

  it('answers SuperuserChangeBusy, changing nothing, when the lease stays taken', async () => {
    const k = await inMemoryRoles({ guard: { leaseTtlMs: 60_000, waitMs: 50 } });
    const adminRole = k.builtIn.admin.id;
    const [a, b] = [await k.anAccount([adminRole]), await k.anAccount([adminRole])];
    // Another process holds the lease (and, say, hangs): nothing waits longer than the limit.
    expect(await k.leases.tryAcquire(SUPERUSER_LEASE, 60_000)).to.not.equal(null);
    expect(tagOf(await unassignRole(k).execute(tokenActor(a), b.id, adminRole))).to.equal('SuperuserChangeBusy');
    expect((await k.users.findById(b.id))?.roleIds).to.deep.equal([adminRole]);
  });

  it('takes the role away and records it', async () => {
    const k = await inMemoryRoles();
    const ops = await k.aRole('ops');
    const holder = await k.anAccount([ops.id]);
    const root = await k.anAccount([k.builtIn.admin.id]);
    const result = await unassignRole(k).execute(tokenActor(root), holder.id, ops.id);
    expect(E.isRight(result) && result.right.roleIds).to.deep.equal([]);
    const { items } = await k.auditLog.list({ action: 'user.role.unassigned', page: 1, limit: 10 });
    expect(items.map((e) => e.before)).to.deep.equal([{ roleId: ops.id, role: 'ops' }]);
  });
});
