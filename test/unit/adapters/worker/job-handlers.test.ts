import { expect } from 'chai';
import { buildJobHandlers } from '../../../../src/adapters/worker/job-handlers';
import type { JobDefinition, JobRunner } from '../../../../src/application/jobs/job-definition';
import { jobTypes } from '../../../../src/application/jobs/job-types';
import { PermanentJobFailure, type RunningJob } from '../../../../src/application/ports/job-queue.port';

const job = (queue: RunningJob['queue'], name: string, data: unknown): RunningJob => ({ id: '1', queue, name, data, attemptsMade: 0, reportProgress: async () => undefined });

/** Records what each type's use case is given instead of running it. */
const recording = () => {
  const calls: { queue: string; payload: unknown }[] = [];
  const runnerOf = (type: JobDefinition<unknown>): JobRunner<unknown> => ({
    execute: async (_job, payload) => {
      calls.push({ queue: type.queue, payload });
      return 'done';
    },
  });
  return { calls, handlers: buildJobHandlers(jobTypes(), runnerOf) };
};

describe('Worker :: job handlers', () => {
  it('has a handler for every job type and none for the dead-letter queue', () => {
    const { handlers } = recording();
    expect(Object.keys(handlers).sort()).to.deep.equal(jobTypes().map((type) => type.queue).sort());
    expect(handlers).to.include.keys('email', 'data-processing', 'reports').and.not.have.property('dead-letter');
  });

  it('hands the decoded payload to the job type’s use case', async () => {
    const { calls, handlers } = recording();
    const result = await handlers.email!(job('email', 'send', { to: 'a@example.com', subject: 'Hi', body: 'There' }));
    expect(result).to.equal('done');
    expect(calls).to.deep.equal([{ queue: 'email', payload: { to: 'a@example.com', subject: 'Hi', body: 'There' } }]);
  });

  context('when a payload does not decode (queued by another deploy)', () => {
    it('fails for good, without running the use case', async () => {
      const { calls, handlers } = recording();
      const error = await handlers['data-processing']!(job('data-processing', 'process', { items: 'not a list' })).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).to.be.instanceOf(PermanentJobFailure).and.have.property('message', 'data-processing payload does not decode');
      expect(calls).to.have.length(0);
    });
  });

  context('when a queue restricts its job names', () => {
    it('fails for good on a name it does not know', async () => {
      const { calls, handlers } = recording();
      const error = await handlers.reports!(job('reports', 'monthly-report', {})).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).to.be.instanceOf(PermanentJobFailure);
      expect(calls).to.have.length(0);
    });
  });
});
