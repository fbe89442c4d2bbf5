import type { JobLifecycle, JobPriority, JobState, QueueName } from '../../domain/jobs/job';

export interface EnqueueOptions {
  readonly priority?: JobPriority;
  /** Run no earlier than this many milliseconds from now. */
  readonly delayMs?: number;
  /** A caller-chosen id makes the enqueue idempotent: a second add with the same id is a no-op. */
  readonly jobId?: string;
  /** The request that caused this job, so its log lines can be followed into the worker. */
  readonly requestId?: string;
}

export type JobClaim = { readonly status: 'claimed'; readonly job: JobView } | { readonly status: 'busy' } | { readonly status: 'not-found' };

export type JobView = {
  readonly id: string;
  readonly queue: QueueName;
  readonly name: string;
  readonly progress: number;
  readonly attemptsMade: number;
  readonly data: unknown;
  readonly requestId?: string;
  readonly createdAt: Date;
} & JobLifecycle;

/** The producer side of the job system. */
export interface JobQueue {
  enqueue(queue: QueueName, name: string, data: unknown, options?: EnqueueOptions): Promise<{ id: string }>;
  /** Adds many jobs in one round trip where the technology allows. */
  enqueueBulk(queue: QueueName, jobs: readonly { name: string; data: unknown; options?: EnqueueOptions }[]): Promise<{ id: string }[]>;
  get(queue: QueueName, id: string): Promise<JobView | null>;
  /** One page of a queue's jobs, oldest first (used to list the dead-letter queue). */
  list(queue: QueueName, offset: number, limit: number): Promise<{ items: JobView[]; total: number }>;
  remove(queue: QueueName, id: string): Promise<boolean>;
  /**
   * Holds a job for one caller for `leaseMs` (a dead letter being retried): concurrent callers
   * get `busy`, a job that is not there `not-found`. The hold ends with `release` or the lease.
   */
  claim(queue: QueueName, id: string, leaseMs: number): Promise<JobClaim>;
  release(queue: QueueName, id: string): Promise<void>;
  /** Creates or replaces a recurring job (cron `pattern` in `timeZone`); idempotent by `id`. */
  upsertSchedule(schedule: ScheduleSpec): Promise<Schedule>;
  listSchedules(): Promise<Schedule[]>;
  /** How many jobs of a queue are in each state (for metrics). */
  counts(queue: QueueName): Promise<Partial<Record<JobState, number>>>;
  ping(): Promise<void>;
}

export interface ScheduleSpec {
  readonly id: string;
  readonly queue: QueueName;
  readonly name: string;
  readonly pattern: string;
  readonly timeZone: string;
  readonly data: unknown;
}

export interface Schedule {
  readonly id: string;
  readonly queue: QueueName;
  readonly name: string;
  readonly pattern: string;
  readonly timeZone: string;
  readonly next: Date | null;
}

/** What a processor sees of the job it runs. */
export interface RunningJob {
  readonly id: string;
  readonly queue: QueueName;
  readonly name: string;
  readonly data: unknown;
  /** Attempts finished before this one (0 on the first run). */
  readonly attemptsMade: number;
  readonly requestId?: string;
  reportProgress(percent: number): Promise<void>;
}

export type JobHandler = (job: RunningJob) => Promise<unknown>;
export type JobHandlers = Partial<Record<QueueName, JobHandler>>;

/** The consumer side: runs handlers for queued jobs until stopped. */
export interface JobWorker {
  start(handlers: JobHandlers): Promise<void>;
  /** Stops taking jobs and waits for the running ones to finish. */
  stop(): Promise<void>;
}

/** Thrown by a handler when a retry cannot help (a payload that does not decode): no more attempts. */
export class PermanentJobFailure extends Error {
  override readonly name = 'PermanentJobFailure';
}
