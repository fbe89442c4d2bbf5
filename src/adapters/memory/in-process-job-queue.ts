import { injectable } from 'inversify';
import { runInContext } from '../../application/context';
import { JobFailures, type RetryPolicies } from '../../application/jobs/job-failures';
import type { Alerts } from '../../application/ports/alerts.port';
import type { Clock } from '../../application/ports/clock.port';
import type {
  EnqueueOptions,
  JobClaim,
  JobHandlers,
  JobQueue,
  JobView,
  JobWorker,
  RunningJob,
  Schedule,
  ScheduleSpec,
} from '../../application/ports/job-queue.port';
import type { Logger } from '../../application/ports/logger.port';
import { PRIORITY_RANK, type JobState, type QueueName } from '../../domain/jobs/job';
import { InProcessJobStore, type JobRecord } from './in-process-job-store';
import { InProcessSchedules, MAX_TIMER_MS } from './in-process-schedules';

export interface InProcessJobQueueOptions {
  readonly retry: RetryPolicies;
  readonly concurrency: number;
  /** The queue's only source of time: due dates, claims, schedules, dead letters. */
  readonly clock: Clock;
  /** Finished jobs kept per queue for inspection; older ones are forgotten. */
  readonly keepFinished?: number;
}

/**
 * The embedded profile's job system: one process enqueues and runs jobs with the semantics of
 * the BullMQ adapter (priority, delay, retries with a backoff schedule, progress, a dead-letter
 * queue). Jobs live in memory (InProcessJobStore), so they do not survive a restart; that is
 * what the production profile is for. Recurring jobs are InProcessSchedules'; what follows a
 * failed attempt is JobFailures', as for the BullMQ worker. This class runs the jobs.
 */
@injectable()
export class InProcessJobQueue implements JobQueue, JobWorker {
  private readonly store: InProcessJobStore;
  private readonly schedules: InProcessSchedules;
  private readonly failures: JobFailures;
  private readonly clock: Clock;
  private handlers: JobHandlers = {};
  private running = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private concurrency: number;

  constructor(
    logger: Logger,
    private readonly options: InProcessJobQueueOptions,
    alerts?: Alerts,
  ) {
    this.clock = options.clock;
    this.concurrency = options.concurrency;
    this.store = new InProcessJobStore(options.clock);
    this.schedules = new InProcessSchedules(options.clock, (spec, dueAt) => void this.enqueue(spec.queue, spec.name, spec.data, { jobId: `${spec.id}-${dueAt}` }));
    this.failures = new JobFailures({ policies: options.retry, deadLetters: this, clock: options.clock, logger, alerts });
  }

  async enqueue(queue: QueueName, name: string, data: unknown, options: EnqueueOptions = {}): Promise<{ id: string }> {
    const { id, added } = this.store.add(queue, name, data, options);
    if (added) this.pump();
    return { id };
  }

  async enqueueBulk(queue: QueueName, jobs: readonly { name: string; data: unknown; options?: EnqueueOptions }[]): Promise<{ id: string }[]> {
    const ids: { id: string }[] = [];
    for (const job of jobs) ids.push(await this.enqueue(queue, job.name, job.data, job.options));
    return ids;
  }

  async get(queue: QueueName, id: string): Promise<JobView | null> {
    return this.store.get(queue, id);
  }

  async list(queue: QueueName, offset: number, limit: number): Promise<{ items: JobView[]; total: number }> {
    return this.store.list(queue, offset, limit);
  }

  async remove(queue: QueueName, id: string): Promise<boolean> {
    return this.store.remove(queue, id);
  }

  async claim(queue: QueueName, id: string, leaseMs: number): Promise<JobClaim> {
    return this.store.claim(queue, id, leaseMs);
  }

  async release(queue: QueueName, id: string): Promise<void> {
    this.store.release(queue, id);
  }

  async upsertSchedule(spec: ScheduleSpec): Promise<Schedule> {
    return this.schedules.upsert(spec);
  }

  async listSchedules(): Promise<Schedule[]> {
    return this.schedules.list();
  }

  async counts(queue: QueueName): Promise<Partial<Record<JobState, number>>> {
    return this.store.counts(queue);
  }

  async ping(): Promise<void> {}

  /** How many jobs run at once from now on. */
  setConcurrency(concurrency: number): void {
    this.concurrency = Math.max(1, concurrency);
    this.pump();
  }

  async start(handlers: JobHandlers): Promise<void> {
    this.handlers = handlers;
    this.started = true;
    this.pump();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.schedules.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    await Promise.all([...this.inFlight]);
  }

  private pump(): void {
    if (!this.started) return;
    const now = this.clock.now().getTime();
    while (this.running < this.concurrency) {
      const next = this.nextDue(now);
      if (!next) break;
      this.runJob(next);
    }
    this.armTimer(now);
  }

  private nextDue(now: number): JobRecord | undefined {
    let best: JobRecord | undefined;
    for (const job of this.store.records()) {
      if (!isWaiting(job) || job.runAt > now || !this.handlers[job.queue]) continue;
      if (!best || before(job, best)) best = job;
    }
    return best;
  }

  private armTimer(now: number): void {
    let earliest = Infinity;
    for (const job of this.store.records()) {
      if (isWaiting(job) && job.runAt > now && this.handlers[job.queue]) earliest = Math.min(earliest, job.runAt);
    }
    if (earliest === Infinity || earliest >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = earliest;
    // A wait beyond what setTimeout holds fires early; pump() re-arms.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.min(earliest - now, MAX_TIMER_MS));
    this.timer.unref();
  }

  private runJob(job: JobRecord): void {
    const handler = this.handlers[job.queue];
    if (!handler) return;
    job.state = 'processing';
    this.running += 1;
    const running: RunningJob = {
      id: job.id,
      queue: job.queue,
      name: job.name,
      data: structuredClone(job.data),
      attemptsMade: job.attemptsMade,
      ...(job.requestId === undefined ? {} : { requestId: job.requestId }),
      reportProgress: async (percent) => {
        job.progress = clampPercent(percent);
      },
    };
    const context = { requestId: job.requestId ?? `job-${job.queue}-${job.id}`, jobId: job.id };
    const done = runInContext(context, () => handler(running))
      .then(
        (result) => this.succeed(job, result),
        (err: unknown) => this.fail(job, err),
      )
      .finally(() => {
        this.running -= 1;
        this.inFlight.delete(done);
        this.store.forgetOldFinished(job.queue, this.options.keepFinished ?? 1000);
        this.pump();
      });
    this.inFlight.add(done);
  }

  private succeed(job: JobRecord, result: unknown): void {
    job.attemptsMade += 1;
    job.state = 'completed';
    job.progress = 100;
    job.result = result ?? null;
  }

  private async fail(job: JobRecord, err: unknown): Promise<void> {
    job.attemptsMade += 1;
    job.failedReason = err instanceof Error ? err.message : String(err);
    const after = await this.failures.afterFailure({ ...job, attempts: job.attemptsMade }, err);
    if (after.retry) {
      job.state = 'failed';
      job.runAt = this.clock.now().getTime() + after.delayMs;
    } else job.state = 'dead';
  }
}

const isWaiting = (job: JobRecord): boolean => job.state === 'pending' || job.state === 'scheduled' || job.state === 'failed';

const before = (a: JobRecord, b: JobRecord): boolean => {
  const byPriority = PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority];
  return byPriority !== 0 ? byPriority < 0 : a.seq < b.seq;
};

const clampPercent = (n: number): number => Math.min(100, Math.max(0, Math.round(n)));
