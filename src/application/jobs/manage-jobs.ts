import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { type DeadLetter, isQueueName, type JobError, type JobPriority, type QueueName, withoutSecrets } from '../../domain/jobs/job';
import { fieldError, type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { cleanText } from '../../domain/shared/text';
import { authorize } from '../access';
import type { Clock } from '../ports/clock.port';
import type { JobQueue, JobView, Schedule } from '../ports/job-queue.port';
import { TYPES } from '../symbols';
import type { EmailJobData } from './email-job';

type Result<A> = Promise<E.Either<ValidationFailed | AuthError | JobError, A>>;

export interface EmailRequest {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly priority?: JobPriority;
  readonly sendAt?: Date;
}

export const MAX_ITEMS = 10_000;

/** The job API: enqueue work, follow it, and handle what ended in the dead-letter queue. */
@injectable()
export class ManageJobs {
  constructor(
    @inject(TYPES.JobQueue) private readonly queue: JobQueue,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async enqueueEmail(actor: Actor, request: EmailRequest): Result<{ jobId: string; queue: QueueName }> {
    const allowed = authorize(actor, 'jobs', 'create');
    if (E.isLeft(allowed)) return allowed;
    const delayMs = request.sendAt ? request.sendAt.getTime() - this.clock.now().getTime() : 0;
    if (request.sendAt && delayMs <= 0) return E.left(validationFailed([fieldError('sendAt', 'must be in the future')]));
    const subject = cleanText(request.subject);
    if (subject.length === 0) return E.left(validationFailed([fieldError('subject', 'is required')]));
    const data: EmailJobData = { to: request.to, subject, body: request.body };
    const { id } = await this.queue.enqueue('email', 'send', data, { priority: request.priority ?? 'normal', delayMs });
    return E.right({ jobId: id, queue: 'email' });
  }

  async enqueueDataProcessing(actor: Actor, items: readonly unknown[]): Result<{ jobId: string; queue: QueueName }> {
    const allowed = authorize(actor, 'jobs', 'create');
    if (E.isLeft(allowed)) return allowed;
    if (items.length === 0 || items.length > MAX_ITEMS) return E.left(validationFailed([fieldError('items', `must hold 1 to ${MAX_ITEMS} items`)]));
    const { id } = await this.queue.enqueue('data-processing', 'process', { items });
    return E.right({ jobId: id, queue: 'data-processing' });
  }

  async get(actor: Actor, queue: string, id: string): Result<JobView> {
    const allowed = authorize(actor, 'jobs', 'read');
    if (E.isLeft(allowed)) return allowed;
    if (!isQueueName(queue)) return E.left({ _tag: 'QueueNotFound', queue });
    const job = await this.queue.get(queue, id);
    return job ? E.right({ ...job, data: withoutSecrets(job.data) }) : E.left({ _tag: 'JobNotFound', queue, jobId: id });
  }

  async deadLetters(actor: Actor, page: number, limit: number): Result<{ items: JobView[]; total: number }> {
    const allowed = authorize(actor, 'jobs', 'manage');
    if (E.isLeft(allowed)) return allowed;
    const { items, total } = await this.queue.list('dead-letter', (page - 1) * limit, limit);
    return E.right({ items: items.map((j) => ({ ...j, data: withoutSecrets(j.data) })), total });
  }

  /**
   * Puts a dead job back on its own queue with high priority, then drops the dead-letter entry.
   * If the drop fails after the enqueue, the entry stays and a second retry would run the job
   * again: at least once, never lost.
   */
  async retryDeadLetter(actor: Actor, id: string): Result<{ jobId: string; queue: QueueName }> {
    const allowed = authorize(actor, 'jobs', 'manage');
    if (E.isLeft(allowed)) return allowed;
    const entry = await this.queue.get('dead-letter', id);
    if (!entry) return E.left({ _tag: 'JobNotFound', queue: 'dead-letter', jobId: id });
    const letter = entry.data as DeadLetter;
    const { id: jobId } = await this.queue.enqueue(letter.originalQueue, letter.name, letter.data, {
      priority: 'high',
      jobId: `${letter.originalJobId}-retry-${this.clock.now().getTime()}`,
      ...(letter.requestId === undefined ? {} : { requestId: letter.requestId }),
    });
    await this.queue.remove('dead-letter', id);
    return E.right({ jobId, queue: letter.originalQueue });
  }

  async schedules(actor: Actor): Result<Schedule[]> {
    const allowed = authorize(actor, 'jobs', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.queue.listSchedules());
  }
}
