import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryAuditLog } from '../../../src/adapters/memory/in-memory-access';
import type { RegisterUser } from '../../../src/application/auth/register-user';
import type { AuditLog } from '../../../src/application/ports/audit-log.port';
import type { RoleRepository } from '../../../src/application/ports/role-repository.port';
import type { UserRepository } from '../../../src/application/ports/user-repository.port';
import { AssignRole } from '../../../src/application/roles/assign-role';
import { TransferRole } from '../../../src/application/roles/transfer-role';
import { CreateRole } from '../../../src/application/roles/create-role';
import { TYPES } from '../../../src/application/symbols';
import type { Actor } from '../../../src/domain/auth/actor';
import type { RoleId } from '../../../src/domain/roles/role';
import { embeddedContainer, STRONG_PASSWORD } from '../../support/embedded';

const root: Actor = { userId: '0123456789abcdef01234567', permissions: [{ resource: '*', action: '*' }], via: 'token' };

/** An audit log that can be told to fail, as a database might between two writes. */
class FlakyAuditLog extends InMemoryAuditLog implements AuditLog {
  failing = false;
  override async append(...args: Parameters<AuditLog['append']>): Promise<void> {
    if (this.failing) throw new Error('audit store unavailable');
    return super.append(...args);
  }
}

describe('Roles :: TransferRole', () => {
  it('undoes the swap when its audit entry cannot be written, so no transfer is done unrecorded', async () => {
    const audit = new FlakyAuditLog();
    const c = await embeddedContainer({ auditLog: audit });
    const roles = c.get(CreateRole);
    const from = await roles.execute(root, { name: 'from', permissions: [] });
    const to = await roles.execute(root, { name: 'to', permissions: [] });
    const user = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'T', email: 't@x.io', password: STRONG_PASSWORD });
    if (E.isLeft(from) || E.isLeft(to) || E.isLeft(user)) throw new Error('fixture');
    const [assign, transfer] = [c.get(AssignRole), c.get(TransferRole)];
    await assign.execute(root, user.right.id, from.right.id);

    audit.failing = true;
    const error = await transfer.execute(root, user.right.id, from.right.id, to.right.id).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.equal('audit store unavailable');
    const after = await c.get<UserRepository>(TYPES.UserRepository).findById(user.right.id);
    expect(after?.roleIds).to.include(from.right.id).and.not.include(to.right.id);

    audit.failing = false;
    const retried = await transfer.execute(root, user.right.id, from.right.id, to.right.id);
    expect(E.isRight(retried) && retried.right.roleIds).to.include(to.right.id);
    const entries = await audit.list({ action: 'user.role.transferred', page: 1, limit: 10 });
    expect(entries.total).to.equal(1);
  });

  it('refuses to transfer to a role the actor could not grant', async () => {
    const c = await embeddedContainer();
    const roles = c.get(CreateRole);
    const from = await roles.execute(root, { name: 'low', permissions: [] });
    const to = await roles.execute(root, { name: 'high', permissions: [{ resource: 'users', action: 'delete' }] });
    const user = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'U', email: 'u@x.io', password: STRONG_PASSWORD });
    if (E.isLeft(from) || E.isLeft(to) || E.isLeft(user)) throw new Error('fixture');
    const limited: Actor = { ...root, permissions: [{ resource: 'roles', action: 'assign' }] };
    await c.get(AssignRole).execute(root, user.right.id, from.right.id);
    const result = await c.get(TransferRole).execute(limited, user.right.id, from.right.id, to.right.id as RoleId);
    expect(E.isLeft(result) && result.left._tag).to.equal('CannotGrant');
    expect((await c.get<RoleRepository>(TYPES.RoleRepository).findById(to.right.id))?.name).to.equal('high');
  });
});
