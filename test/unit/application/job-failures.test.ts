import { expect } from 'chai';
import { DEFAULT_RETRY_POLICIES } from '../../../src/application/jobs/job-types';
import { JobFailures } from '../../../src/application/jobs/job-failures';
import type { Clock } from '../../../src/application/ports/clock.port';
import { PermanentJobFailure } from '../../../src/application/ports/job-queue.port';
import type { DeadLetter } from '../../../src/domain/jobs/job';
import { silentLogger } from '../../support/logger';

const at = (iso: string): Clock => ({ now: () => new Date(iso) });

const recordingQueue = () => {
  const added: { queue: string; name: string; data: unknown; jobId: string | undefined }[] = [];
  return {
    added,
    enqueue: async (queue: string, name: string, data: unknown, options?: { jobId?: string }) => {
      added.push({ queue, name, data, jobId: options?.jobId });
      return { id: options?.jobId ?? String(added.length) };
    },
  };
};

const attempt = { queue: 'email' as const, id: '42', name: 'send', data: { to: 'a@example.com' }, attempts: 1 };

describe('Jobs :: JobFailures', () => {
  it('retries after the queue’s backoff while attempts are left', async () => {
    const queue = recordingQueue();
    const failures = new JobFailures({ policies: DEFAULT_RETRY_POLICIES, deadLetters: queue, clock: at('2030-01-01T00:00:00Z'), logger: silentLogger() });
    const after = await failures.afterFailure(attempt, new Error('smtp down'));
    expect(after).to.deep.equal({ retry: true, delayMs: DEFAULT_RETRY_POLICIES.email.backoffMs[0] });
    expect(queue.added).to.have.length(0);
  });

  context('when the failure is permanent', () => {
    it('moves the job to the dead-letter queue once, dated by the clock', async () => {
      const queue = recordingQueue();
      const failures = new JobFailures({ policies: DEFAULT_RETRY_POLICIES, deadLetters: queue, clock: at('2030-01-01T00:00:00Z'), logger: silentLogger() });
      const after = await failures.afterFailure(attempt, new PermanentJobFailure('no such mailbox'));
      expect(after.retry).to.equal(false);
      expect(queue.added).to.have.length(1);
      const [moved] = queue.added;
      expect(moved).to.include({ queue: 'dead-letter', name: 'send', jobId: 'email-42' });
      expect(moved?.data as DeadLetter).to.include({ originalQueue: 'email', originalJobId: '42', error: 'no such mailbox', failedAt: '2030-01-01T00:00:00.000Z' });
    });
  });
});
