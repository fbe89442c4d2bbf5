import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { type DeadLetter, isQueueName, type JobError, type JobPriority, type QueueName, withoutSecrets } from '../../domain/jobs/job';
import { fieldError, type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { cleanText } from '../../domain/shared/text';
import { authorize } from '../authorization';
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

const RETRY_CLAIM_MS = 30_000;

/** The id of the job a dead letter is retried as: one per dead letter, whoever retries it. */
export const retryJobId = (letter: DeadLetter): string => `${letter.originalJobId}-retry`;

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
   * The entry is claimed first, so of concurrent retries one goes ahead and the others get
   * JobBusy (or JobNotFound once it is gone); the new job's id is derived from the entry, so
   * a retry that runs again (a crash before the drop) queues nothing new.
   */
  async retryDeadLetter(actor: Actor, id: string): Result<{ jobId: string; queue: QueueName }> {
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

  async schedules(actor: Actor): Result<Schedule[]> {
    const allowed = authorize(actor, 'jobs', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.queue.listSchedules());
  }
}
