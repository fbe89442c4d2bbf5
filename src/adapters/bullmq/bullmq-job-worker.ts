import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { runInContext } from '../../application/context';
import { type JobHandler, type JobHandlers, type JobWorker, PermanentJobFailure, type RunningJob } from '../../application/ports/job-queue.port';
import type { Alerts } from '../../application/ports/alerts.port';
import type { Logger } from '../../application/ports/logger.port';
import { backoffDelay, type DeadLetter, deadLetterId, type QueueName, type RetryPolicy } from '../../domain/jobs/job';
import { BACKOFF_TYPE, type BullmqJobQueue, type Envelope } from './bullmq-job-queue';

export interface BullmqWorkerOptions {
  readonly concurrency: number;
  readonly retry: Readonly<Record<QueueName, RetryPolicy>>;
  /** How long a job's lock lives without renewal; a crashed worker's job is retaken after it. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

/**
 * The consumer side on BullMQ: a Worker per queue that has a handler. After a job's last attempt
 * fails, a copy goes to the dead-letter queue under an id derived from the job's, so the move
 * happens exactly once even if the worker dies and the job is retried.
 */
export class BullmqJobWorker implements JobWorker {
  private workers: Worker[] = [];

  constructor(
    private readonly connection: Redis,
    private readonly queues: BullmqJobQueue,
    private readonly logger: Logger,
    private readonly alerts: Alerts,
    private readonly options: BullmqWorkerOptions,
    private readonly prefix = 'nexus',
  ) {}

  async start(handlers: JobHandlers): Promise<void> {
    for (const [queue, handler] of Object.entries(handlers) as [QueueName, JobHandler][]) {
      const policy = this.options.retry[queue];
      const worker = new Worker(queue, (job) => this.process(queue, handler, job), {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.stalledIntervalMs ?? this.options.lockDurationMs ?? 30_000,
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) => (type === BACKOFF_TYPE ? backoffDelay(policy, attemptsMade) : 0),
        },
      });
      worker.on('error', (err) => this.logger.error('job worker error', { queue, error: err.message }));
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
        const error = err instanceof Error ? err : new Error(String(err));
        const attempt = job.attemptsMade + 1;
        const permanent = error instanceof PermanentJobFailure;
        this.logger.warn('job attempt failed', { queue, jobId: running.id, attempt, error: error.message });
        if (permanent || attempt >= (job.opts.attempts ?? 1)) {
          await this.deadLetter(queue, job, envelope, attempt, error);
          throw new UnrecoverableError(error.message);
        }
        throw error;
      }
    });
  }

  private async deadLetter(queue: QueueName, job: Job, envelope: Envelope, attempts: number, error: Error): Promise<void> {
    const letter: DeadLetter = {
      originalQueue: queue,
      originalJobId: job.id ?? '',
      name: job.name,
      data: envelope.payload,
      attemptsMade: attempts,
      error: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
      failedAt: new Date().toISOString(),
      ...(envelope.requestId === undefined ? {} : { requestId: envelope.requestId }),
    };
    await this.queues.enqueue('dead-letter', job.name, letter, {
      jobId: deadLetterId(queue, job.id ?? ''),
      ...(envelope.requestId === undefined ? {} : { requestId: envelope.requestId }),
    });
    this.logger.error('job moved to the dead-letter queue', { queue, jobId: job.id, attempts });
    await this.alerts.deadLetter(letter).catch((err: unknown) => this.logger.warn('alert failed', { error: String(err) }));
  }
}
