import type { EnqueueOptions, JobQueue } from '../../src/application/ports/job-queue.port';
import type { QueueName } from '../../src/domain/jobs/job';

/** A JobQueue that only records what is enqueued, for use cases that hand work to the queue. */
export class RecordingJobQueue implements JobQueue {
  readonly enqueued: { queue: QueueName; name: string; data: unknown; options: EnqueueOptions }[] = [];

  async enqueue(queue: QueueName, name: string, data: unknown, options: EnqueueOptions = {}): Promise<{ id: string }> {
    const id = options.jobId ?? String(this.enqueued.length + 1);
    this.enqueued.push({ queue, name, data, options });
    return { id };
  }

  enqueueBulk = unused;
  get = unused;
  list = unused;
  remove = unused;
  claim = unused;
  release = unused;
  upsertSchedule = unused;
  listSchedules = unused;
  counts = unused;
  ping = unused;
}

function unused(): never {
  throw new Error('RecordingJobQueue records enqueue() only');
}
