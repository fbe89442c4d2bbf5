import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { DeadLetter, JobError, QueueName } from '../../domain/jobs/job';
import { authorize } from '../authorization';
import type { JobQueue } from '../ports/job-queue.port';
import { TYPES } from '../symbols';

const RETRY_CLAIM_MS = 30_000;

/** The id of the job a dead letter is retried as: one per dead letter, whoever retries it. */
export const retryJobId = (letter: DeadLetter): string => `${letter.originalJobId}-retry`;

/**
 * Puts a dead job back on its own queue with high priority, then drops the dead-letter entry.
 * Needs `jobs:manage`. The entry is claimed first, so of concurrent retries one goes ahead and
 * the others get JobBusy (or JobNotFound once it is gone); the new job's id is derived from the
 * entry, so a retry that runs again (a crash before the drop) queues nothing new.
 */
@injectable()
export class RetryDeadLetter {
  constructor(@inject(TYPES.JobQueue) private readonly queue: JobQueue) {}

  async execute(actor: Actor, id: string): Promise<E.Either<AuthError | JobError, { jobId: string; queue: QueueName }>> {
    const allowed = authorize(actor, 'jobs', 'manage');
    if (E.isLeft(allowed)) return allowed;
    const claim = await this.queue.claim('dead-letter', id, RETRY_CLAIM_MS);
    if (claim.status === 'not-found') return E.left({ _tag: 'JobNotFound', queue: 'dead-letter', jobId: id });
    if (claim.status === 'busy') return E.left({ _tag: 'JobBusy', queue: 'dead-letter', jobId: id });
    const letter = claim.job.data as DeadLetter;
    try {
      const { id: jobId } = await this.queue.enqueue(letter.originalQueue, letter.name, letter.data, {
        priority: 'high',
        jobId: retryJobId(letter),
        ...(letter.requestId === undefined ? {} : { requestId: letter.requestId }),
      });
      await this.queue.remove('dead-letter', id);
      return E.right({ jobId, queue: letter.originalQueue });
    } catch (err) {
      await this.queue.release('dead-letter', id).catch(() => undefined);
      throw err;
    }
  }
}
