import * as E from 'fp-ts/Either';
import type { JobDefinition, JobRunner } from '../../application/jobs/job-definition';
import { type JobHandlers, PermanentJobFailure, type RunningJob } from '../../application/ports/job-queue.port';

/**
 * The handler of every queue, as the worker (or the embedded server) runs them: the job's name
 * checked and its payload decoded with its type's codec (a job may have been queued by an
 * older or newer deploy; one that does not fit will never fit, so it fails for good), then
 * handed to the type's use case.
 */
export const buildJobHandlers = (types: readonly JobDefinition<unknown>[], runnerOf: (type: JobDefinition<unknown>) => JobRunner<unknown>): JobHandlers =>
  Object.fromEntries(
    types.map((type) => {
      const runner = runnerOf(type);
      return [type.queue, async (job: RunningJob) => runner.execute(job, payloadOf(type, job))];
    }),
  );

const payloadOf = (type: JobDefinition<unknown>, job: RunningJob): unknown => {
  if (type.names && !type.names.includes(job.name)) throw new PermanentJobFailure(`no ${type.queue} job called ${job.name}`);
  const payload = type.payload.decode(job.data);
  if (E.isLeft(payload)) throw new PermanentJobFailure(`${type.queue} payload does not decode`);
  return payload.right;
};
