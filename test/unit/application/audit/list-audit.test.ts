import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { ListAudit } from '../../../../src/application/audit/list-audit';
import { inMemoryRoles, tagOf, tokenActor } from '../../../support/in-memory-roles';

describe('Audit :: ListAudit', () => {
  it('refuses an actor without audit:read', async () => {
    const k = await inMemoryRoles();
    expect(tagOf(await new ListAudit(k.auditLog).execute(tokenActor(await k.anAccount(), []), { page: 1, limit: 10 }))).to.equal('PermissionDenied');
  });

  it('lists entries by actor and action to a holder of audit:read', async () => {
    const k = await inMemoryRoles();
    const [a, b] = [await k.anAccount(), await k.anAccount()];
    await k.audit.record({ actorId: a.id, action: 'role.created', target: { type: 'role', id: null } });
    await k.audit.record({ actorId: b.id, action: 'role.created', target: { type: 'role', id: null } });
    await k.audit.record({ actorId: a.id, action: 'role.deleted', target: { type: 'role', id: null } });
    const listed = await new ListAudit(k.auditLog).execute(tokenActor(a, [{ resource: 'audit', action: 'read' }]), { actorId: a.id, action: 'role.created', page: 1, limit: 10 });
    expect(E.isRight(listed) && listed.right.items.map((e) => [e.actorId, e.action])).to.deep.equal([[a.id, 'role.created']]);
    expect(E.isRight(listed) && listed.right.total).to.equal(1);
  });
});
