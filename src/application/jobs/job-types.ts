import type { RetryPolicy } from '../../domain/jobs/job';
import type { ScheduleSpec } from '../ports/job-queue.port';
import { dataProcessingJob } from './data-processing.job';
import { emailJob } from './email.job';
import type { RetryPolicies } from './job-failures';
import type { JobDefinition, WorkQueue } from './job-definition';
import { weeklyReportJob } from './weekly-report.job';

/**
 * Every type of job Nexus runs, one per work queue: a queue added to `QUEUE_NAMES` without its
 * type here does not compile. The worker, the retry settings and the schedules are built from
 * this list.
 */
export const JOB_TYPES: { readonly [Q in WorkQueue]: JobDefinition<unknown, Q> } = {
  email: emailJob,
  'data-processing': dataProcessingJob,
  reports: weeklyReportJob,
};

/** The registry as a list. */
export const jobTypes = (): readonly JobDefinition<unknown>[] => Object.values(JOB_TYPES);

/** The dead-letter queue's jobs are kept, never run. */
const DEAD_LETTER_POLICY: RetryPolicy = { attempts: 1, backoffMs: [] };

/** Each queue's policy as its job type defines it, before the environment's overrides. */
export const DEFAULT_RETRY_POLICIES: RetryPolicies = {
  ...(Object.fromEntries(jobTypes().map((job) => [job.queue, job.retry])) as Record<WorkQueue, RetryPolicy>),
  'dead-letter': DEAD_LETTER_POLICY,
};

/** The recurring jobs, with the timing `timing` gives a queue in place of its type's default. */
export const scheduledJobs = (timing: Partial<Record<WorkQueue, Pick<ScheduleSpec, 'pattern' | 'timeZone'>>> = {}): ScheduleSpec[] =>
  jobTypes().flatMap((job) =>
    job.schedule
      ? [{ id: job.schedule.name, queue: job.queue, name: job.schedule.name, pattern: job.schedule.pattern, timeZone: job.schedule.timeZone, data: job.schedule.data, ...timing[job.queue] }]
      : [],
  );
