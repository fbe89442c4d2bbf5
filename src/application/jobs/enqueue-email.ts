import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import type { JobPriority, QueueName } from '../../domain/jobs/job';
import { fieldError, type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { cleanText } from '../../domain/shared/text';
import { authorize } from '../authorization';
import type { Clock } from '../ports/clock.port';
import type { JobQueue } from '../ports/job-queue.port';
import { TYPES } from '../symbols';
import { type EmailPayload, emailJob } from './email.job';

export interface EmailRequest {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly priority?: JobPriority;
  readonly sendAt?: Date;
}

/** Queues an e-mail, now or at `sendAt` (which must be in the future). Needs `jobs:create`. */
@injectable()
export class EnqueueEmail {
  constructor(
    @inject(TYPES.JobQueue) private readonly queue: JobQueue,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, request: EmailRequest): Promise<E.Either<ValidationFailed | AuthError, { jobId: string; queue: QueueName }>> {
    const allowed = authorize(actor, 'jobs', 'create');
    if (E.isLeft(allowed)) return allowed;
    const delayMs = request.sendAt ? request.sendAt.getTime() - this.clock.now().getTime() : 0;
    if (request.sendAt && delayMs <= 0) return E.left(validationFailed([fieldError('sendAt', 'must be in the future')]));
    const subject = cleanText(request.subject);
    if (subject.length === 0) return E.left(validationFailed([fieldError('subject', 'is required')]));
    const data: EmailPayload = { to: request.to, subject, body: request.body };
    const { id } = await this.queue.enqueue(emailJob.queue, 'send', data, { priority: request.priority ?? 'normal', delayMs });
    return E.right({ jobId: id, queue: emailJob.queue });
  }
}
