import { CronExpressionParser } from 'cron-parser';
import { injectable } from 'inversify';
import { currentContext, runInContext } from '../../application/context';
import {
  type EnqueueOptions,
  type JobClaim,
  type JobHandlers,
  type JobQueue,
  type JobView,
  type JobWorker,
  type RunningJob,
  type Schedule,
  type ScheduleSpec,
} from '../../application/ports/job-queue.port';
import type { Alerts } from '../../application/ports/alerts.port';
import type { Clock } from '../../application/ports/clock.port';
import type { Logger } from '../../application/ports/logger.port';
import { JobFailures } from '../../application/jobs/job-failures';
import {
  lifecycle,
  PRIORITY_RANK,
  type JobPriority,
  type JobState,
  type QueueName,
  type RetryPolicy,
} from '../../domain/jobs/job';

interface JobRecord {
  readonly id: string;
  readonly queue: QueueName;
  readonly name: string;
  readonly data: unknown;
  readonly priority: JobPriority;
  readonly seq: number;
  readonly createdAt: Date;
  readonly requestId?: string;
  state: JobState;
  runAt: number;
  attemptsMade: number;
  progress: number;
  result?: unknown;
  failedReason?: string;
}

export interface InProcessJobQueueOptions {
  readonly retry: Readonly<Record<QueueName, RetryPolicy>>;
  readonly concurrency: number;
  /** The queue's only source of time: due dates, claims, schedules, dead letters. */
  readonly clock: Clock;
  /** Finished jobs kept per queue for inspection; older ones are forgotten. */
  readonly keepFinished?: number;
}

/**
 * The embedded profile's job system: one process enqueues and runs jobs with the semantics of
 * the BullMQ adapter (priority, delay, retries with a backoff schedule, progress, a dead-letter
 * queue). Jobs live in memory, so they do not survive a restart; that is what the production
 * profile is for.
 */
@injectable()
export class InProcessJobQueue implements JobQueue, JobWorker {
  private readonly jobs = new Map<string, JobRecord>();
  /** Claimed jobs and when their claim runs out. */
  private readonly claims = new Map<string, number>();
  private handlers: JobHandlers = {};
  private running = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private concurrency: number;
  private readonly failures: JobFailures;
  private readonly schedules = new Map<string, { spec: ScheduleSpec; timer?: NodeJS.Timeout; next: Date | null }>();

  constructor(
    private readonly logger: Logger,
    private readonly options: InProcessJobQueueOptions,
    private readonly alerts?: Alerts,
  ) {
    this.concurrency = options.concurrency;
    this.failures = new JobFailures({ policies: options.retry, deadLetters: this, clock: options.clock, logger, alerts });
  }

  async enqueue(queue: QueueName, name: string, data: unknown, options: EnqueueOptions = {}): Promise<{ id: string }> {
    const seq = ++this.seq;
    const id = options.jobId ?? String(seq);
    if (this.jobs.has(key(queue, id))) return { id };
    const delay = Math.max(0, options.delayMs ?? 0);
    const requestId = options.requestId ?? currentContext()?.requestId;
    this.jobs.set(key(queue, id), {
      id,
      queue,
      name,
      data: structuredClone(data),
      priority: options.priority ?? 'normal',
      seq,
      createdAt: new Date(),
      ...(requestId === undefined ? {} : { requestId }),
      state: delay > 0 ? 'scheduled' : 'pending',
      runAt: Date.now() + delay,
      attemptsMade: 0,
      progress: 0,
    });
    this.pump();
    return { id };
  }

  async enqueueBulk(queue: QueueName, jobs: readonly { name: string; data: unknown; options?: EnqueueOptions }[]): Promise<{ id: string }[]> {
    const ids: { id: string }[] = [];
    for (const job of jobs) ids.push(await this.enqueue(queue, job.name, job.data, job.options));
    return ids;
  }

  async get(queue: QueueName, id: string): Promise<JobView | null> {
    const job = this.jobs.get(key(queue, id));
    return job ? view(job) : null;
  }

  /** Jobs of one queue in the order they were added (used to list the dead-letter queue). */
  async list(queue: QueueName, offset: number, limit: number): Promise<{ items: JobView[]; total: number }> {
    const all = [...this.jobs.values()].filter((j) => j.queue === queue).sort((a, b) => a.seq - b.seq);
    return { items: all.slice(offset, offset + limit).map(view), total: all.length };
  }

  async remove(queue: QueueName, id: string): Promise<boolean> {
    return this.jobs.delete(key(queue, id));
  }

  async claim(queue: QueueName, id: string, leaseMs: number): Promise<JobClaim> {
    const job = this.jobs.get(key(queue, id));
    if (!job) return { status: 'not-found' };
    if ((this.claims.get(key(queue, id)) ?? 0) > Date.now()) return { status: 'busy' };
    this.claims.set(key(queue, id), Date.now() + leaseMs);
    return { status: 'claimed', job: view(job) };
  }

  async release(queue: QueueName, id: string): Promise<void> {
    this.claims.delete(key(queue, id));
  }

  async upsertSchedule(spec: ScheduleSpec): Promise<Schedule> {
    const existing = this.schedules.get(spec.id);
    if (existing?.timer) clearTimeout(existing.timer);
    const entry: { spec: ScheduleSpec; timer?: NodeJS.Timeout; next: Date | null } = { spec, next: null };
    this.schedules.set(spec.id, entry);
    this.arm(entry);
    return toSchedule(entry.spec, entry.next);
  }

  async listSchedules(): Promise<Schedule[]> {
    return [...this.schedules.values()].map((e) => toSchedule(e.spec, e.next));
  }

  /** Sets a timer for the schedule's next time; each firing enqueues one job, keyed by that time. */
  private arm(entry: { spec: ScheduleSpec; timer?: NodeJS.Timeout; next: Date | null }): void {
    entry.next = nextRun(entry.spec.pattern, entry.spec.timeZone, new Date());
    if (!entry.next) return;
    const at = entry.next.getTime();
    // setTimeout holds at most ~24.8 days; a longer wait re-arms on the way.
    entry.timer = setTimeout(() => {
      if (Date.now() >= at) void this.enqueue(entry.spec.queue, entry.spec.name, entry.spec.data, { jobId: `${entry.spec.id}-${at}` });
      this.arm(entry);
    }, Math.min(at - Date.now(), MAX_TIMER_MS));
    entry.timer.unref();
  }

  async counts(queue: QueueName): Promise<Partial<Record<JobState, number>>> {
    const counts: Partial<Record<JobState, number>> = {};
    for (const job of this.jobs.values()) if (job.queue === queue) counts[job.state] = (counts[job.state] ?? 0) + 1;
    return counts;
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
    for (const entry of this.schedules.values()) if (entry.timer) clearTimeout(entry.timer);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    await Promise.all([...this.inFlight]);
  }

  private pump(): void {
    if (!this.started) return;
    const now = Date.now();
    while (this.running < this.concurrency) {
      const next = this.nextDue(now);
      if (!next) break;
      this.runJob(next);
    }
    this.armTimer(now);
  }

  private nextDue(now: number): JobRecord | undefined {
    let best: JobRecord | undefined;
    for (const job of this.jobs.values()) {
      if (!isWaiting(job) || job.runAt > now || !this.handlers[job.queue]) continue;
      if (!best || before(job, best)) best = job;
    }
    return best;
  }

  private armTimer(now: number): void {
    let earliest = Infinity;
    for (const job of this.jobs.values()) {
      if (isWaiting(job) && job.runAt > now && this.handlers[job.queue]) earliest = Math.min(earliest, job.runAt);
    }
    if (earliest === Infinity || earliest >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = earliest;
    // setTimeout holds at most ~24.8 days (a longer delay fires after 1 ms); pump() re-arms.
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
        this.forgetOldFinished(job.queue);
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
      job.runAt = Date.now() + after.delayMs;
    } else job.state = 'dead';
  }

  private forgetOldFinished(queue: QueueName): void {
    const keep = this.options.keepFinished ?? 1000;
    const finished = [...this.jobs.values()].filter((j) => j.queue === queue && (j.state === 'completed' || j.state === 'dead'));
    for (const job of finished.slice(0, Math.max(0, finished.length - keep))) this.jobs.delete(key(job.queue, job.id));
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;

const key = (queue: QueueName, id: string): string => `${queue}\u0000${id}`;

const isWaiting = (job: JobRecord): boolean => job.state === 'pending' || job.state === 'scheduled' || job.state === 'failed';

const before = (a: JobRecord, b: JobRecord): boolean => {
  const byPriority = PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority];
  return byPriority !== 0 ? byPriority < 0 : a.seq < b.seq;
};

const clampPercent = (n: number): number => Math.min(100, Math.max(0, Math.round(n)));

const view = (job: JobRecord): JobView => ({
  id: job.id,
  queue: job.queue,
  name: job.name,
  progress: job.progress,
  attemptsMade: job.attemptsMade,
  data: structuredClone(job.data),
  ...(job.requestId === undefined ? {} : { requestId: job.requestId }),
  createdAt: job.createdAt,
  ...lifecycle(job.state, job.result, job.failedReason),
});

/** The next time `pattern` fires after `from`, in `timeZone`; null if it never does. */
export const nextRun = (pattern: string, timeZone: string, from: Date): Date | null => {
  const expression = CronExpressionParser.parse(pattern, { currentDate: from, tz: timeZone });
  return expression.hasNext() ? expression.next().toDate() : null;
};

const toSchedule = (spec: ScheduleSpec, next: Date | null): Schedule => ({
  id: spec.id,
  queue: spec.queue,
  name: spec.name,
  pattern: spec.pattern,
  timeZone: spec.timeZone,
  next,
});
