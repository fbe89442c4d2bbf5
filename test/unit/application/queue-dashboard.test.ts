import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryAuditLog } from '../../../src/adapters/memory/in-memory-audit-log';
import { ObjectIdGenerator } from '../../../src/adapters/system/object-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { AuditRecorder } from '../../../src/application/audit/audit-recorder';
import { OpenQueueDashboard, RecordQueueDashboardAction } from '../../../src/application/jobs/queue-dashboard';
import type { Actor } from '../../../src/domain/auth/actor';
import type { Permission } from '../../../src/domain/roles/permission';

const MANAGE: Permission = { resource: 'jobs', action: 'manage' };
const person = (...permissions: Permission[]): Actor => ({ userId: 'u1', permissions, via: 'token', sessionId: 's1' });

const useCases = () => {
  const log = new InMemoryAuditLog();
  const open = new OpenQueueDashboard();
  return { log, open, record: new RecordQueueDashboardAction(open, new AuditRecorder(log, new ObjectIdGenerator(), new SystemClock())) };
};

describe('Jobs :: the queue dashboard', () => {
  it('opens for a person holding jobs:manage (or *:*) only', () => {
    const { open } = useCases();
    expect(E.isRight(open.execute(person(MANAGE)))).to.equal(true);
    expect(E.isRight(open.execute(person({ resource: '*', action: '*' })))).to.equal(true);
    for (const p of [[], [{ resource: 'jobs', action: 'read' }], [{ resource: 'jobs', action: 'create' }]] as Permission[][]) {
      const refused = open.execute(person(...p));
      expect(E.isLeft(refused) && refused.left._tag).to.equal('PermissionDenied');
    }
  });

  it('never opens for an API key, whatever its scope', () => {
    const { open } = useCases();
    const key: Actor = { userId: 'u1', permissions: [MANAGE], via: 'api-key', apiKeyId: 'k1' };
    expect(E.isLeft(open.execute(key))).to.equal(true);
  });

  it('records an action with the person, the queue and the job; nothing for someone who may not act', async () => {
    const { log, record } = useCases();
    expect(E.isRight(await record.execute(person(MANAGE), 'jobs.dashboard.retry', { queue: 'email', jobId: '7' }))).to.equal(true);
    expect(E.isLeft(await record.execute(person(), 'jobs.dashboard.remove', { queue: 'email', jobId: '8' }))).to.equal(true);
    const { items } = await log.list({ page: 1, limit: 10 });
    expect(items.map((e) => [e.actorId, e.action, e.target, e.after])).to.deep.equal([['u1', 'jobs.dashboard.retry', { type: 'job', id: '7' }, { queue: 'email', jobId: '7' }]]);
  });
});
