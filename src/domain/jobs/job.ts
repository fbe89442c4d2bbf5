export const QUEUE_NAMES = ['email', 'data-processing', 'reports', 'dead-letter'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
export const isQueueName = (s: string): s is QueueName => (QUEUE_NAMES as readonly string[]).includes(s);

export const JOB_PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

/**
 * Where a job is in its life, with what each state knows; each queue technology's states map
 * onto these. `failed` is a failed attempt with retries left; `dead` is final (and in the
 * dead-letter queue).
 */
export type JobLifecycle =
  | { readonly state: 'pending' }
  | { readonly state: 'scheduled' }
  | { readonly state: 'processing' }
  | { readonly state: 'completed'; readonly result: unknown }
  | { readonly state: 'failed'; readonly failedReason: string }
  | { readonly state: 'dead'; readonly failedReason: string };

export type JobState = JobLifecycle['state'];

/** Builds the lifecycle of a state from what an adapter knows about the job. */
export const lifecycle = (state: JobState, result: unknown, failedReason: string | undefined): JobLifecycle => {
  switch (state) {
    case 'completed':
      return { state, result: result ?? null };
    case 'failed':
    case 'dead':
      return { state, failedReason: failedReason ?? 'unknown' };
    default:
      return { state };
  }
};

/** Higher runs first. */
export const PRIORITY_RANK: Readonly<Record<JobPriority, number>> = { critical: 4, high: 3, normal: 2, low: 1 };

/** How often a queue's jobs are tried and how long to wait between tries. */
export interface RetryPolicy {
  /** Total tries, the first included. */
  readonly attempts: number;
  /** Wait before retry n (1-based) is `backoffMs[n - 1]`; the last value repeats. */
  readonly backoffMs: readonly number[];
}

export const backoffDelay = (policy: RetryPolicy, attemptsMade: number): number => {
  if (policy.backoffMs.length === 0) return 0;
  const index = Math.min(Math.max(attemptsMade, 1), policy.backoffMs.length) - 1;
  return policy.backoffMs[index] ?? 0;
};

export const hasAttemptsLeft = (policy: RetryPolicy, attemptsMade: number): boolean => attemptsMade < policy.attempts;

/** What the dead-letter queue keeps of a job that failed its last attempt. */
export interface DeadLetter {
  readonly originalQueue: QueueName;
  readonly originalJobId: string;
  readonly name: string;
  readonly data: unknown;
  readonly attemptsMade: number;
  readonly error: string;
  readonly stack?: string;
  readonly failedAt: string;
  readonly requestId?: string;
}

export const deadLetterId = (queue: QueueName, jobId: string): string => `${queue}-${jobId}`;

export type JobError =
  | { readonly _tag: 'QueueNotFound'; readonly queue: string }
  | { readonly _tag: 'JobNotFound'; readonly queue: string; readonly jobId: string }
  | { readonly _tag: 'JobBusy'; readonly queue: string; readonly jobId: string };

/** Payload keys whose values never leave the job system (job views over HTTP, logs). */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|hash/i;

/** A copy of `data` with secret-looking values replaced, at any depth. */
export const withoutSecrets = (data: unknown, depth = 0): unknown => {
  if (data === null || typeof data !== 'object' || depth > 10) return data;
  if (Array.isArray(data)) return data.map((d) => withoutSecrets(d, depth + 1));
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[REDACTED]' : withoutSecrets(v, depth + 1)]));
};
