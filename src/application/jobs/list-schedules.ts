import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { authorize } from '../authorization';
import type { JobQueue, Schedule } from '../ports/job-queue.port';
import { TYPES } from '../symbols';

/** The recurring jobs and their next runs. Needs `jobs:read`. */
@injectable()
export class ListSchedules {
  constructor(@inject(TYPES.JobQueue) private readonly queue: JobQueue) {}

  async execute(actor: Actor): Promise<E.Either<AuthError, Schedule[]>> {
    const allowed = authorize(actor, 'jobs', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.queue.listSchedules());
  }
}
