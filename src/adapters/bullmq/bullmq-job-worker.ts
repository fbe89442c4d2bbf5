import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { runInContext } from '../../application/context';
import { JobFailures, type RetryPolicies } from '../../application/jobs/job-failures';
import type { JobHandler, JobHandlers, JobWorker, RunningJob } from '../../application/ports/job-queue.port';
import type { Alerts } from '../../application/ports/alerts.port';
import type { Clock } from '../../application/ports/clock.port';
import type { Logger } from '../../application/ports/logger.port';
import type { QueueName } from '../../domain/jobs/job';
import { BACKOFF_TYPE, type BullmqJobQueue, type Envelope } from './bullmq-job-queue';

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
    private readonly connection: Redis,
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
        prefix: this.prefix,
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
    const running: RunningJob = {
      id: job.id ?? '',
      queue,
      name: job.name,
      data: envelope.payload,
      attemptsMade: job.attemptsMade,
      ...(envelope.requestId === undefined ? {} : { requestId: envelope.requestId }),
      reportProgress: (percent) => job.updateProgress(Math.min(100, Math.max(0, Math.round(percent)))),
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
      }
    });
  }
}
