import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { withoutSecrets } from '../../domain/jobs/job';
import { authorize } from '../authorization';
import type { JobQueue, JobView } from '../ports/job-queue.port';
import { TYPES } from '../symbols';

/** One page of the dead-letter queue, oldest first, secrets redacted. Needs `jobs:manage`. */
@injectable()
export class ListDeadLetters {
  constructor(@inject(TYPES.JobQueue) private readonly queue: JobQueue) {}

  async execute(actor: Actor, page: number, limit: number): Promise<E.Either<AuthError, { items: JobView[]; total: number }>> {
    const allowed = authorize(actor, 'jobs', 'manage');
    if (E.isLeft(allowed)) return allowed;
    const { items, total } = await this.queue.list('dead-letter', (page - 1) * limit, limit);
    return E.right({ items: items.map((j) => ({ ...j, data: withoutSecrets(j.data) })), total });
  }
}
