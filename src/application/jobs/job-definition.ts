import type { Either } from 'fp-ts/Either';
import type { Newable } from 'inversify';
import type { QueueName, RetryPolicy } from '../../domain/jobs/job';
import type { RunningJob } from '../ports/job-queue.port';

/** The queues that carry work; the dead-letter queue only keeps what failed on them. */
export type WorkQueue = Exclude<QueueName, 'dead-letter'>;

/** The use case that runs one job of a type, given its decoded payload. */
export interface JobRunner<P> {
  execute(job: RunningJob, payload: P): Promise<unknown>;
}

/** Decodes a payload read back from a queue (an io-ts codec is one). */
export interface PayloadDecoder<P> {
  decode(input: unknown): Either<unknown, P>;
}

/** A job that runs on its own, on a cron schedule; the environment may move it. */
export interface JobSchedule<P> {
  readonly name: string;
  readonly pattern: string;
  readonly timeZone: string;
  readonly data: P;
}

/**
 * Everything about one type of job, in one place: the queue it runs on, its payload (decoded
 * again by the worker, because a payload outlives the deploy that queued it), the use case
 * that runs it, and how often it is tried. The registry (`job-types.ts`) lists every type.
 */
export interface JobDefinition<P, Q extends WorkQueue = WorkQueue> {
  readonly queue: Q;
  readonly payload: PayloadDecoder<P>;
  readonly runner: Newable<JobRunner<P>>;
  /** The default; `JOB_ATTEMPTS_<QUEUE>` and `JOB_BACKOFF_<QUEUE>` override it. */
  readonly retry: RetryPolicy;
  /** The job names the queue accepts; any name when absent. */
  readonly names?: readonly string[];
  readonly schedule?: JobSchedule<P>;
}
