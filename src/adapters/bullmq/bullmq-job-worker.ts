import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { runInContext } from '../../application/context';
import { JobFailures, type RetryPolicies } from '../../application/jobs/job-failures';
import type { JobHandler, JobHandlers, JobWorker, RunningJob } from '../../application/ports/job-queue.port';
import type { Alerts } from '../../application/ports/alerts.port';
import type { Clock } from '../../application/ports/clock.port';
import type { Logger } from '../../application/ports/logger.port';
import type { QueueName } from '../../domain/jobs/job';
import { BACKOFF_TYPE, type BullmqJobQueue, type Envelope, queuePrefix } from './bullmq-job-queue';

export interface BullmqWorkerOptions {
  readonly concurrency: number;
  readonly retry: RetryPolicies;
  /** Dates the dead letters. */
  readonly clock: Clock;
  /** How long a job's lock lives without renewal; a crashed worker's job is retaken after it. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

/**
 * The consumer side on BullMQ: a Worker per queue that has a handler. What follows a failed
 * attempt (a retry after the backoff, or the dead-letter queue) is decided by JobFailures,
 * the same policy the in-process queue follows.
 */
export class BullmqJobWorker implements JobWorker {
  private workers: Worker[] = [];
  private readonly failures: JobFailures;

  constructor(
    private readonly connection: Redis | Cluster,
    queues: BullmqJobQueue,
    private readonly logger: Logger,
    alerts: Alerts,
    private readonly options: BullmqWorkerOptions,
    private readonly prefix = 'nexus',
  ) {
    this.failures = new JobFailures({ policies: options.retry, deadLetters: queues, clock: options.clock, logger, alerts });
  }

  async start(handlers: JobHandlers): Promise<void> {
    for (const [queue, handler] of Object.entries(handlers) as [QueueName, JobHandler][]) {
      const worker = new Worker(queue, (job) => this.process(queue, handler, job), {
        connection: this.connection,
        prefix: queuePrefix(this.prefix, queue, this.connection.isCluster),
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.stalledIntervalMs ?? this.options.lockDurationMs ?? 30_000,
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) => (type === BACKOFF_TYPE ? this.failures.backoff(queue, attemptsMade) : 0),
        },
      });
      worker.on('error', (err) => this.logger.error('job worker error', { queue, error: err.message }));
      worker.on('stalled', (jobId) => this.logger.warn('job stalled: its worker stopped renewing the lock; it runs again', { queue, jobId }));
      await worker.waitUntilReady();
      this.workers.push(worker);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers = [];
  }

  private async process(queue: QueueName, handler: JobHandler, job: Job): Promise<unknown> {
    const envelope = (job.data ?? {}) as Envelope;
    const progress = new ProgressWriter(job, this.logger);
    const running: RunningJob = {
      id: job.id ?? '',
      queue,
      name: job.name,
      data: envelope.payload,
      attemptsMade: job.attemptsMade,
      ...(envelope.requestId === undefined ? {} : { requestId: envelope.requestId }),
      reportProgress: (percent) => progress.report(percent),
    };
    const context = { requestId: envelope.requestId ?? `job-${queue}-${job.id}`, jobId: running.id };
    return runInContext(context, async () => {
      try {
        return await handler(running);
      } catch (err) {
        const attempts = job.attemptsMade + 1;
        const attempt = { queue, id: running.id, name: job.name, data: envelope.payload, attempts, ...(envelope.requestId === undefined ? {} : { requestId: envelope.requestId }) };
        // A job added under an older, lower ceiling cannot be tried again, whatever the policy says.
        const after = await this.failures.afterFailure(attempt, err, attempts >= (job.opts.attempts ?? 1));
        if (!after.retry) throw new UnrecoverableError(after.error.message);
        throw err;
      } finally {
        await progress.end();
      }
    });
  }
}

/** How often a running job's progress is written at most; a job done sooner writes none. */
export const PROGRESS_EVERY_MS = 100;

/**
 * A job's progress, written to Redis at most every PROGRESS_EVERY_MS (the latest value) instead
 * of once per report: each write is a round trip and an event on the queue's stream, and a
 * handler reporting every percent of a short job spent more on those than on its work. A job
 * that ends before its first write is due writes none (once completed it shows 100). A failed
 * write is logged, not thrown: progress is information, not the job's outcome.
 */
class ProgressWriter {
  private latest: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly job: Job,
    private readonly logger: Logger,
  ) {}

  report(percent: number): Promise<void> {
    this.latest = Math.min(100, Math.max(0, Math.round(percent)));
    if (!this.timer && !this.ended) this.timer = setTimeout(() => this.flush(), PROGRESS_EVERY_MS);
    return Promise.resolve();
  }

  /** No more writes; waits for one under way, so none lands after the job's completion. */
  async end(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    await this.writing;
  }

  private flush(): void {
    this.timer = undefined;
    const percent = this.latest;
    if (percent === undefined || this.ended) return;
    this.latest = undefined;
    this.writing = this.job.updateProgress(percent).catch((err: unknown) => {
      this.logger.warn('could not write job progress', { queue: this.job.queueName, jobId: this.job.id, error: String(err) });
    });
  }
}
