import { type Job, type JobsOptions, Queue, type QueueOptions, type JobType } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { currentContext } from '../../application/context';
import type { EnqueueOptions, JobClaim, JobQueue, JobView, Schedule, ScheduleSpec } from '../../application/ports/job-queue.port';
import { ATTEMPTS_CEILING } from '../../application/jobs/job-failures';
import { type JobPriority, type JobState, lifecycle, QUEUE_NAMES, type QueueName } from '../../domain/jobs/job';

/** BullMQ: 1 is the highest priority. Every job gets one so that order is by priority, then age. */
export const BULLMQ_PRIORITY: Readonly<Record<JobPriority, number>> = { critical: 1, high: 2, normal: 3, low: 4 };

/** What we store as a BullMQ job's data: the payload plus the facts that follow the job around. */
export interface Envelope {
  readonly payload: unknown;
  readonly requestId?: string;
}

export const BACKOFF_TYPE = 'nexus';

/**
 * The BullMQ prefix of one queue. BullMQ's scripts touch several keys of a queue at once, and on
 * a Redis Cluster those must share a slot: there the prefix is the hash tag `{<prefix>:<queue>}`,
 * so each queue's keys (and its job claims) sit in one slot while different queues spread over
 * the masters. On a single Redis it stays `<prefix>`, the name queues had before clusters were
 * supported: a deployment upgraded in place keeps every job it had queued.
 */
export const queuePrefix = (prefix: string, queue: QueueName, cluster: boolean): string => (cluster ? `{${prefix}:${queue}}` : prefix);

/** The producer side on BullMQ. One Queue object per queue name, sharing one fail-fast connection. */
export class BullmqJobQueue implements JobQueue {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis | Cluster,
    private readonly prefix = 'nexus',
  ) {}

  /** This queue's BullMQ prefix on this connection (hash-tagged on a cluster). */
  prefixOf(name: QueueName): string {
    return queuePrefix(this.prefix, name, this.connection.isCluster);
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      const options: QueueOptions = { connection: this.connection, prefix: this.prefixOf(name) };
      queue = new Queue(name, options);
      queue.on('error', () => undefined); // surfaced through enqueue failures and health checks
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue(queueName: QueueName, name: string, data: unknown, options: EnqueueOptions = {}): Promise<{ id: string }> {
    const job = await this.queue(queueName).add(name, this.envelope(data, options), this.jobOptions(queueName, options));
    return { id: job.id ?? options.jobId ?? '' };
  }

  async enqueueBulk(queueName: QueueName, jobs: readonly { name: string; data: unknown; options?: EnqueueOptions }[]): Promise<{ id: string }[]> {
    const added = await this.queue(queueName).addBulk(
      jobs.map((j) => ({ name: j.name, data: this.envelope(j.data, j.options ?? {}), opts: this.jobOptions(queueName, j.options ?? {}) })),
    );
    return added.map((job) => ({ id: job.id ?? '' }));
  }

  private envelope(data: unknown, options: EnqueueOptions): Envelope {
    const requestId = options.requestId ?? currentContext()?.requestId;
    return { payload: data, ...(requestId === undefined ? {} : { requestId }) };
  }

  private jobOptions(_queueName: QueueName, options: EnqueueOptions): JobsOptions {
    return {
      priority: BULLMQ_PRIORITY[options.priority ?? 'normal'],
      attempts: ATTEMPTS_CEILING,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
      ...(options.delayMs && options.delayMs > 0 ? { delay: options.delayMs } : {}),
      ...(options.jobId === undefined ? {} : { jobId: options.jobId }),
    };
  }

  async get(queueName: QueueName, id: string): Promise<JobView | null> {
    // A job's hash and its state are two reads; a job moving between them would be shown
    // inconsistently (completed with no attempts, waiting with progress). Read state, job,
    // state again, and retry until the two state reads agree.
    const queue = this.queue(queueName);
    for (let tries = 0; ; tries++) {
      const before = await queue.getJobState(id);
      const job = await queue.getJob(id);
      const after = await queue.getJobState(id);
      if (!job || after === 'unknown') return null;
      if (before === after || tries >= 5) return toView(queueName, job, after);
    }
  }

  async list(queueName: QueueName, offset: number, limit: number): Promise<{ items: JobView[]; total: number }> {
    const queue = this.queue(queueName);
    const types: JobType[] = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'];
    const [jobs, counts] = await Promise.all([queue.getJobs(types, offset, offset + limit - 1, true), queue.getJobCounts(...types)]);
    const items = await Promise.all(jobs.filter(Boolean).map(async (job) => toView(queueName, job, await job.getState())));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { items, total };
  }

  async remove(queueName: QueueName, id: string): Promise<boolean> {
    const job = await this.queue(queueName).getJob(id);
    if (!job) return false;
    await job.remove();
    return true;
  }

  /** A claim is a key set only if absent (SET NX PX): Redis gives it to exactly one caller. */
  async claim(queueName: QueueName, id: string, leaseMs: number): Promise<JobClaim> {
    const claimKey = this.claimKey(queueName, id);
    if ((await this.connection.set(claimKey, '1', 'PX', leaseMs, 'NX')) !== 'OK') {
      return (await this.queue(queueName).getJob(id)) ? { status: 'busy' } : { status: 'not-found' };
    }
    const job = await this.get(queueName, id);
    if (job) return { status: 'claimed', job };
    await this.connection.del(claimKey);
    return { status: 'not-found' };
  }

  async release(queueName: QueueName, id: string): Promise<void> {
    await this.connection.del(this.claimKey(queueName, id));
  }

  /** Next to the queue's own keys: `nexus:claims:email:<id>`, on a cluster `{nexus:email}:claims:email:<id>`. */
  claimKey(queueName: QueueName, id: string): string {
    return `${this.prefixOf(queueName)}:claims:${queueName}:${id}`;
  }

  async upsertSchedule(spec: ScheduleSpec): Promise<Schedule> {
    await this.queue(spec.queue).upsertJobScheduler(
      spec.id,
      { pattern: spec.pattern, tz: spec.timeZone },
      { name: spec.name, data: { payload: spec.data } satisfies Envelope, opts: { attempts: ATTEMPTS_CEILING, backoff: { type: BACKOFF_TYPE }, priority: BULLMQ_PRIORITY.normal } },
    );
    const stored = await this.queue(spec.queue).getJobScheduler(spec.id);
    return { id: spec.id, queue: spec.queue, name: spec.name, pattern: spec.pattern, timeZone: spec.timeZone, next: stored?.next ? new Date(stored.next) : null };
  }

  async listSchedules(): Promise<Schedule[]> {
    const all = await Promise.all(
      QUEUE_NAMES.map(async (queueName) =>
        (await this.queue(queueName).getJobSchedulers(0, -1, true)).map(
          (s): Schedule => ({
            id: s.key,
            queue: queueName,
            name: s.name,
            pattern: s.pattern ?? '',
            timeZone: s.tz ?? 'UTC',
            next: s.next ? new Date(s.next) : null,
          }),
        ),
      ),
    );
    return all.flat();
  }

  async counts(queueName: QueueName): Promise<Partial<Record<JobState, number>>> {
    const c = await this.queue(queueName).getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
    return {
      pending: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0),
      scheduled: c['delayed'] ?? 0,
      processing: c['active'] ?? 0,
      completed: c['completed'] ?? 0,
      dead: c['failed'] ?? 0,
    };
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  /** Waits until every queue's connection is ready (used at start-up). */
  async ready(): Promise<void> {
    await Promise.all(QUEUE_NAMES.map((name) => this.queue(name).waitUntilReady()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

export const mapState = (state: string, attemptsMade: number): JobState => {
  switch (state) {
    case 'active':
      return 'processing';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'dead';
    case 'delayed':
      return attemptsMade > 0 ? 'failed' : 'scheduled';
    default:
      return 'pending';
  }
};

const toView = (queue: QueueName, job: Job, state: string): JobView => {
  const envelope = (job.data ?? {}) as Envelope;
  const mapped = mapState(state, job.attemptsMade);
  const progress = mapped === 'completed' ? 100 : typeof job.progress === 'number' ? job.progress : 0;
  // BullMQ counts failed attempts in attemptsMade; a success shows only in attemptsStarted.
  const finished = mapped === 'completed' || mapped === 'dead';
  return {
    id: job.id ?? '',
    queue,
    name: job.name,
    progress,
    attemptsMade: finished ? Math.max(job.attemptsMade, job.attemptsStarted) : job.attemptsMade,
    data: envelope.payload,
    ...(envelope.requestId === undefined ? {} : { requestId: envelope.requestId }),
    createdAt: new Date(job.timestamp),
    ...lifecycle(mapped, job.returnvalue, job.failedReason || undefined),
  };
};
