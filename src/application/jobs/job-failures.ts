import { backoffDelay, type DeadLetter, deadLetterId, hasAttemptsLeft, type QueueName, type RetryPolicy } from '../../domain/jobs/job';
import type { Alerts } from '../ports/alerts.port';
import type { Clock } from '../ports/clock.port';
import { type JobQueue, PermanentJobFailure } from '../ports/job-queue.port';
import type { Logger } from '../ports/logger.port';

export type RetryPolicies = Readonly<Record<QueueName, RetryPolicy>>;

/**
 * BullMQ wants an attempt count on every job when it is added. The worker's policy decides when
 * a job is dead; this is only a ceiling above every policy (the configuration allows 100), so
 * the API process, which adds jobs, never decides how often they are tried.
 */
export const ATTEMPTS_CEILING = 100;

/** What a worker knows of an attempt that just failed. */
export interface FailedAttempt {
  readonly queue: QueueName;
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  /** Attempts made, this one included. */
  readonly attempts: number;
  readonly requestId?: string;
}

export type AfterFailure = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly error: Error };

/**
 * The one place that decides what follows a failed attempt, for every queue and both workers:
 * another try after the queue's backoff, or (after the last attempt, or a permanent failure)
 * the dead-letter queue, under an id derived from the job's so the move happens once.
 */
export interface JobFailuresDeps {
  readonly policies: RetryPolicies;
  /** Where dead letters go: the queue the worker runs. */
  readonly deadLetters: Pick<JobQueue, 'enqueue'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly alerts?: Alerts | undefined;
}

export class JobFailures {
  private readonly policies: RetryPolicies;
  private readonly deadLetters: Pick<JobQueue, 'enqueue'>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly alerts: Alerts | undefined;

  constructor(deps: JobFailuresDeps) {
    ({ policies: this.policies, deadLetters: this.deadLetters, clock: this.clock, logger: this.logger, alerts: this.alerts } = deps);
  }

  /** The wait before the next try of a job that has failed `attemptsMade` times. */
  backoff(queue: QueueName, attemptsMade: number): number {
    return backoffDelay(this.policies[queue], attemptsMade);
  }

  /** `noMoreTries`: the queue technology will not run the job again, whatever the policy says. */
  async afterFailure(attempt: FailedAttempt, err: unknown, noMoreTries = false): Promise<AfterFailure> {
    const error = err instanceof Error ? err : new Error(String(err));
    const policy = this.policies[attempt.queue];
    this.logger.warn('job attempt failed', { queue: attempt.queue, jobId: attempt.id, attempt: attempt.attempts, error: error.message });
    if (!noMoreTries && !(error instanceof PermanentJobFailure) && hasAttemptsLeft(policy, attempt.attempts)) {
      return { retry: true, delayMs: backoffDelay(policy, attempt.attempts) };
    }
    const letter: DeadLetter = {
      originalQueue: attempt.queue,
      originalJobId: attempt.id,
      name: attempt.name,
      data: attempt.data,
      attemptsMade: attempt.attempts,
      error: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
      failedAt: this.clock.now().toISOString(),
      ...(attempt.requestId === undefined ? {} : { requestId: attempt.requestId }),
    };
    await this.deadLetters.enqueue('dead-letter', attempt.name, letter, {
      jobId: deadLetterId(attempt.queue, attempt.id),
      ...(attempt.requestId === undefined ? {} : { requestId: attempt.requestId }),
    });
    this.logger.error('job moved to the dead-letter queue', { queue: attempt.queue, jobId: attempt.id, attempts: attempt.attempts });
    await this.alerts?.deadLetter(letter).catch((e: unknown) => this.logger.warn('alert failed', { error: String(e) }));
    return { retry: false, error };
  }
}
