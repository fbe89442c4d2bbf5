import { currentContext } from '../../application/context';
import type { Clock } from '../../application/ports/clock.port';
import type { EnqueueOptions, JobClaim, JobView } from '../../application/ports/job-queue.port';
import { lifecycle, type JobPriority, type JobState, type QueueName } from '../../domain/jobs/job';

/** A job as the in-process queue keeps it; the runner changes its state, attempts and progress. */
export interface JobRecord {
  readonly id: string;
  readonly queue: QueueName;
  readonly name: string;
  readonly data: unknown;
  readonly priority: JobPriority;
  /** Order of arrival: ties of priority run oldest first. */
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

/**
 * The in-process queue's storage: every job of every queue, keyed by queue and id, and the
 * claims on them. Knows nothing of running jobs.
 */
export class InProcessJobStore {
  private readonly jobs = new Map<string, JobRecord>();
  /** Claimed jobs and when their claim runs out. */
  private readonly claims = new Map<string, number>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  /** Adds a job, unless one with the same id is there (a caller-chosen id makes adding idempotent). */
  add(queue: QueueName, name: string, data: unknown, options: EnqueueOptions): { id: string; added: boolean } {
    const seq = ++this.seq;
    const id = options.jobId ?? String(seq);
    if (this.jobs.has(key(queue, id))) return { id, added: false };
    const delay = Math.max(0, options.delayMs ?? 0);
    const requestId = options.requestId ?? currentContext()?.requestId;
    const now = this.clock.now();
    this.jobs.set(key(queue, id), {
      id,
      queue,
      name,
      data: structuredClone(data),
      priority: options.priority ?? 'normal',
      seq,
      createdAt: now,
      ...(requestId === undefined ? {} : { requestId }),
      state: delay > 0 ? 'scheduled' : 'pending',
      runAt: now.getTime() + delay,
      attemptsMade: 0,
      progress: 0,
    });
    return { id, added: true };
  }

  /** Every job, for the runner to pick from. */
  records(): IterableIterator<JobRecord> {
    return this.jobs.values();
  }

  get(queue: QueueName, id: string): JobView | null {
    const job = this.jobs.get(key(queue, id));
    return job ? view(job) : null;
  }

  /** Jobs of one queue in the order they were added (used to list the dead-letter queue). */
  list(queue: QueueName, offset: number, limit: number): { items: JobView[]; total: number } {
    const all = [...this.jobs.values()].filter((j) => j.queue === queue).sort((a, b) => a.seq - b.seq);
    return { items: all.slice(offset, offset + limit).map(view), total: all.length };
  }

  remove(queue: QueueName, id: string): boolean {
    return this.jobs.delete(key(queue, id));
  }

  claim(queue: QueueName, id: string, leaseMs: number): JobClaim {
    const job = this.jobs.get(key(queue, id));
    if (!job) return { status: 'not-found' };
    const now = this.clock.now().getTime();
    if ((this.claims.get(key(queue, id)) ?? 0) > now) return { status: 'busy' };
    this.claims.set(key(queue, id), now + leaseMs);
    return { status: 'claimed', job: view(job) };
  }

  release(queue: QueueName, id: string): void {
    this.claims.delete(key(queue, id));
  }

  counts(queue: QueueName): Partial<Record<JobState, number>> {
    const counts: Partial<Record<JobState, number>> = {};
    for (const job of this.jobs.values()) if (job.queue === queue) counts[job.state] = (counts[job.state] ?? 0) + 1;
    return counts;
  }

  /** Keeps only the newest `keep` finished jobs of a queue. */
  forgetOldFinished(queue: QueueName, keep: number): void {
    const finished = [...this.jobs.values()].filter((j) => j.queue === queue && (j.state === 'completed' || j.state === 'dead'));
    for (const job of finished.slice(0, Math.max(0, finished.length - keep))) this.jobs.delete(key(job.queue, job.id));
  }
}

const key = (queue: QueueName, id: string): string => `${queue}\u0000${id}`;

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
