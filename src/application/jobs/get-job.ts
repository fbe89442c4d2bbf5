import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { isQueueName, type JobError, withoutSecrets } from '../../domain/jobs/job';
import { authorize } from '../authorization';
import type { JobQueue, JobView } from '../ports/job-queue.port';
import { TYPES } from '../symbols';

/** One job of any queue, its secrets redacted. Needs `jobs:read`. */
@injectable()
export class GetJob {
  constructor(@inject(TYPES.JobQueue) private readonly queue: JobQueue) {}

  async execute(actor: Actor, queue: string, id: string): Promise<E.Either<AuthError | JobError, JobView>> {
    const allowed = authorize(actor, 'jobs', 'read');
    if (E.isLeft(allowed)) return allowed;
    if (!isQueueName(queue)) return E.left({ _tag: 'QueueNotFound', queue });
    const job = await this.queue.get(queue, id);
    return job ? E.right({ ...job, data: withoutSecrets(job.data) }) : E.left({ _tag: 'JobNotFound', queue, jobId: id });
  }
}
