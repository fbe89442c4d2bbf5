import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InProcessJobQueue } from '../../../src/adapters/memory/in-process-job-queue';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { EnqueueDataProcessing } from '../../../src/application/jobs/enqueue-data-processing';
import { EnqueueEmail } from '../../../src/application/jobs/enqueue-email';
import { GetJob } from '../../../src/application/jobs/get-job';
import { DEFAULT_RETRY_POLICIES } from '../../../src/application/jobs/job-types';
import { ListDeadLetters } from '../../../src/application/jobs/list-dead-letters';
import { ListSchedules } from '../../../src/application/jobs/list-schedules';
import { RetryDeadLetter } from '../../../src/application/jobs/retry-dead-letter';
import type { Actor } from '../../../src/domain/auth/actor';
import type { Permission } from '../../../src/domain/roles/permission';
import { silentLogger } from '../../support/logger';

const actor = (...permissions: Permission[]): Actor => ({ userId: 'u1', permissions, via: 'token' });
const nobody = actor();

const useCases = () => {
  const clock = new SystemClock();
  const queue = new InProcessJobQueue(silentLogger(), { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, clock });
  return {
    queue,
    enqueueEmail: new EnqueueEmail(queue, clock),
    enqueueDataProcessing: new EnqueueDataProcessing(queue),
    getJob: new GetJob(queue),
    listDeadLetters: new ListDeadLetters(queue),
    retryDeadLetter: new RetryDeadLetter(queue),
    listSchedules: new ListSchedules(queue),
  };
};

const deniedFor = (result: E.Either<{ readonly _tag: string; readonly needed?: string }, unknown>): string | undefined =>
  E.isLeft(result) && result.left._tag === 'PermissionDenied' ? result.left.needed : undefined;

describe('Jobs :: each use case checks its own permission', () => {
  it('refuses an actor without jobs permissions, naming the one it needs', async () => {
    const u = useCases();
    expect(deniedFor(await u.enqueueEmail.execute(nobody, { to: 'a@example.com', subject: 'Hi', body: 'x' }))).to.equal('jobs:create');
    expect(deniedFor(await u.enqueueDataProcessing.execute(nobody, [1]))).to.equal('jobs:create');
    expect(deniedFor(await u.getJob.execute(nobody, 'email', '1'))).to.equal('jobs:read');
    expect(deniedFor(await u.listDeadLetters.execute(nobody, 1, 10))).to.equal('jobs:manage');
    expect(deniedFor(await u.retryDeadLetter.execute(nobody, 'email-1'))).to.equal('jobs:manage');
    expect(deniedFor(await u.listSchedules.execute(nobody))).to.equal('jobs:read');
    expect((await u.queue.counts('email')).pending ?? 0).to.equal(0);
  });

  it('queues an e-mail for an actor who may create jobs, and lets a reader see it', async () => {
    const u = useCases();
    const queued = await u.enqueueEmail.execute(actor({ resource: 'jobs', action: 'create' }), { to: 'a@example.com', subject: 'Hi', body: 'x' });
    expect(E.isRight(queued) && queued.right.queue).to.equal('email');
    const jobId = E.isRight(queued) ? queued.right.jobId : '';
    const seen = await u.getJob.execute(actor({ resource: 'jobs', action: 'read' }), 'email', jobId);
    expect(E.isRight(seen) && seen.right.data).to.deep.equal({ to: 'a@example.com', subject: 'Hi', body: 'x' });
  });
});
