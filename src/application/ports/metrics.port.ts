import type { JobState, QueueName } from '../../domain/jobs/job';

/** What operators measure. Adapters turn these into a monitoring system's series. */
export interface Metrics {
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  cacheLookup(hit: boolean): void;
  /** A cache read that failed (the read then goes to the source). */
  cacheError(): void;
  jobAttempt(queue: QueueName, outcome: 'completed' | 'failed', seconds: number): void;
  /** Where job counts by queue and state come from when the metrics are read. */
  watchQueues(counts: (queue: QueueName) => Promise<Partial<Record<JobState, number>>>): void;
}

export const noMetrics: Metrics = {
  httpRequest: () => undefined,
  cacheLookup: () => undefined,
  cacheError: () => undefined,
  jobAttempt: () => undefined,
  watchQueues: () => undefined,
};
