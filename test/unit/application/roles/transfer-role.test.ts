import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryAuditLog } from '../../../../src/adapters/memory/in-memory-audit-log';
import type { AuditLog } from '../../../../src/application/ports/audit-log.port';
import { TransferRole } from '../../../../src/application/roles/transfer-role';
import { type InMemoryRoles, inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

const transferRole = (k: InMemoryRoles) => new TransferRole(k.users, k.uow, k.lookup, k.writer, k.audit, k.guard, k.clock, k.logger);

/** An audit log that can be told to fail, as a database might between two writes. */
class FlakyAuditLog extends InMemoryAuditLog implements AuditLog {
  failing = false;
  override async append(...args: Parameters<AuditLog['append']>): Promise<void> {
    if (this.failing) throw new Error('audit store unavailable');
    return super.append(...args);
  }
}

describe('Roles :: TransferRole', () => {
  it('refuses an actor without roles:assign', async () => {
    const k = await inMemoryRoles();
    const [from, to] = [await k.aRole('from'), await k.aRole('to')];
    const holder = await k.anAccount([from.id]);
    expect(tagOf(await transferRole(k).execute(tokenActor(await k.anAccount(), []), holder.id, from.id, to.id))).to.equal('PermissionDenied');
  });

  it('undoes the swap when its audit entry cannot be written, so no transfer is done unrecorded', async () => {
    const audit = new FlakyAuditLog();
    const k = await inMemoryRoles({ auditLog: audit });
    const [from, to] = [await k.aRole('from'), await k.aRole('to')];
    const user = await k.anAccount([from.id]);
    const root = tokenActor(await k.anAccount([k.builtIn.admin.id]));

    audit.failing = true;
    const error = await transferRole(k)
      .execute(root, user.id, from.id, to.id)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).to.equal('audit store unavailable');
    expect((await k.users.findById(user.id))?.roleIds).to.include(from.id).and.not.include(to.id);
    expect(k.logger.errors).to.deep.equal([]);

    audit.failing = false;
    const retried = await transferRole(k).execute(root, user.id, from.id, to.id);
    expect(E.isRight(retried) && retried.right.roleIds).to.deep.equal([to.id]);
    const entries = await audit.list({ action: 'user.role.transferred', page: 1, limit: 10 });
    expect(entries.items.map((e) => [e.before, e.after])).to.deep.equal([[{ roleId: from.id, role: 'from' }, { roleId: to.id, role: 'to' }]]);
  });

  it('refuses to transfer to a role the actor could not grant', async () => {
    const k = await inMemoryRoles();
    const [from, to] = [await k.aRole('low'), await k.aRole('high', [{ resource: 'users', action: 'delete' }])];
    const user = await k.anAccount([from.id]);
    const limited = tokenActor(await k.anAccount(), [{ resource: 'roles', action: 'assign' }]);
    expect(tagOf(await transferRole(k).execute(limited, user.id, from.id, to.id))).to.equal('CannotGrant');
    expect((await k.users.findById(user.id))?.roleIds).to.deep.equal([from.id]);
  });

  it('says RoleNotAssigned and RoleAlreadyAssigned for a swap that makes no sense', async () => {
    const k = await inMemoryRoles();
    const [a, b, c] = [await k.aRole('alpha'), await k.aRole('beta'), await k.aRole('gamma')];
    const user = await k.anAccount([a.id, b.id]);
    const root = tokenActor(await k.anAccount([k.builtIn.admin.id]));
    expect(tagOf(await transferRole(k).execute(root, user.id, c.id, a.id))).to.equal('RoleNotAssigned');
    expect(tagOf(await transferRole(k).execute(root, user.id, a.id, b.id))).to.equal('RoleAlreadyAssigned');
  });

  it('refuses to move the last holder of *:* off it (LastSuperuser)', async () => {
    const k = await inMemoryRoles();
    const plain = await k.aRole('plain');
    const root = await k.anAccount([k.builtIn.admin.id]);
    expect(tagOf(await transferRole(k).execute(tokenActor(root), root.id, k.builtIn.admin.id, plain.id))).to.equal('LastSuperuser');
    expect((await k.users.findById(root.id))?.roleIds).to.deep.equal([k.builtIn.admin.id]);
  });
});
