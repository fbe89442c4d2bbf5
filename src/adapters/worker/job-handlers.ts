import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { EmailJobData } from '../../application/jobs/email-job';
import type { SendEmail } from '../../application/jobs/send-email';
import { type JobHandlers, PermanentJobFailure } from '../../application/ports/job-queue.port';

// Payloads are decoded again here: a job may have been queued by an older (or newer) deploy.
const EmailJobPayload = t.type({ to: t.string, subject: t.string, body: t.string });

const decodePayload = <A>(codec: t.Type<A, unknown, unknown>, data: unknown, what: string): A => {
  const result = codec.decode(data);
  if (E.isLeft(result)) throw new PermanentJobFailure(`${what} payload does not decode`);
  return result.right;
};

export interface JobHandlerDeps {
  readonly sendEmail: SendEmail;
}

/** The processors of every queue, as the worker (or the embedded server) runs them. */
export const buildJobHandlers = ({ sendEmail }: JobHandlerDeps): JobHandlers => ({
  email: async (job) => sendEmail.execute(job, decodePayload<EmailJobData>(EmailJobPayload, job.data, 'email')),
});
