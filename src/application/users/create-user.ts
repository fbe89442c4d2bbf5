import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { type ValidationFailed, validationFailed } from '../../domain/shared/field-error';
import { newUser, type User, type UserId, type UserInput } from '../../domain/users/user';
import { emailAlreadyInUse, type UserError } from '../../domain/users/user.errors';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { JobQueue } from '../ports/job-queue.port';
import type { UserRepository } from '../ports/user-repository.port';
import { welcomeEmail } from '../jobs/email-job';
import { TYPES } from '../symbols';

/** Creates an active user and queues its welcome e-mail. */
@injectable()
export class CreateUser {
  constructor(
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.JobQueue) private readonly jobs: JobQueue,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(input: UserInput, requestId?: string): Promise<E.Either<ValidationFailed | UserError, User>> {
    const built = newUser(this.ids.next() as UserId, input, this.clock.now());
    if (E.isLeft(built)) return E.left(validationFailed(built.left));
    const user = built.right;

    if ((await this.users.insert(user)) === 'email-taken') return E.left(emailAlreadyInUse(user.email));

    // The user exists now whatever happens to the e-mail: a queue failure surfaces as an
    // error, and the job id (derived from the user id) makes a retried enqueue harmless.
    await this.jobs.enqueue('email', 'welcome', welcomeEmail(user), { jobId: `welcome-${user.id}`, requestId });
    return E.right(user);
  }
}
