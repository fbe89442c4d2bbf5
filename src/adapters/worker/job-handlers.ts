import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { EmailJobData } from '../../application/jobs/email-job';
import type { ProcessData, SendEmail, WeeklyReport } from '../../application/jobs/processors';
import { type JobHandlers, PermanentJobFailure } from '../../application/ports/job-queue.port';

// Payloads are decoded again here: a job may have been queued by an older (or newer) deploy.
const EmailJobPayload = t.type({ to: t.string, subject: t.string, body: t.string });
const DataJobPayload = t.type({ items: t.array(t.unknown) });

const decodePayload = <A>(codec: t.Type<A, unknown, unknown>, data: unknown, what: string): A => {
  const result = codec.decode(data);
  if (E.isLeft(result)) throw new PermanentJobFailure(`${what} payload does not decode`);
  return result.right;
};

export interface JobHandlerDeps {
  readonly sendEmail: SendEmail;
  readonly processData: ProcessData;
  readonly weeklyReport: WeeklyReport;
}

/** The processors of every queue, as the worker (or the embedded server) runs them. */
export const buildJobHandlers = ({ sendEmail, processData, weeklyReport }: JobHandlerDeps): JobHandlers => ({
  email: async (job) => sendEmail.execute(job, decodePayload<EmailJobData>(EmailJobPayload, job.data, 'email')),
  'data-processing': async (job) => processData.execute(job, decodePayload(DataJobPayload, job.data, 'data-processing').items),
  reports: async (job) => {
    if (job.name !== 'weekly-report') throw new PermanentJobFailure(`no report called ${job.name}`);
    return weeklyReport.execute(job);
  },
});
