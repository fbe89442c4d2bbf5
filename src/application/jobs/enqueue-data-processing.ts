import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { QueueName } from '../../domain/jobs/job';
import { fieldError, type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { authorize } from '../authorization';
import type { JobQueue } from '../ports/job-queue.port';
import { TYPES } from '../symbols';
import { type DataProcessingPayload, dataProcessingJob } from './data-processing.job';

export const MAX_ITEMS = 10_000;

/** Queues a list of 1 to MAX_ITEMS items to be summarised. Needs `jobs:create`. */
@injectable()
export class EnqueueDataProcessing {
  constructor(@inject(TYPES.JobQueue) private readonly queue: JobQueue) {}

  async execute(actor: Actor, items: readonly unknown[]): Promise<E.Either<ValidationFailed | AuthError, { jobId: string; queue: QueueName }>> {
    const allowed = authorize(actor, 'jobs', 'create');
    if (E.isLeft(allowed)) return allowed;
    if (items.length === 0 || items.length > MAX_ITEMS) return E.left(validationFailed([fieldError('items', `must hold 1 to ${MAX_ITEMS} items`)]));
    const data: DataProcessingPayload = { items: [...items] };
    const { id } = await this.queue.enqueue(dataProcessingJob.queue, 'process', data);
    return E.right({ jobId: id, queue: dataProcessingJob.queue });
  }
}
