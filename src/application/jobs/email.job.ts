import { inject, injectable } from 'inversify';
import * as t from 'io-ts';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from '../cache/cache-keys';
import type { Cache } from '../ports/cache.port';
import { type RunningJob, PermanentJobFailure } from '../ports/job-queue.port';
import type { Logger } from '../ports/logger.port';
import { MailRejected, type Mailer } from '../ports/mailer.port';
import { TYPES } from '../symbols';
import type { JobDefinition } from './job-definition';

/** The payload of a job on the `email` queue. */
export const EmailPayload = t.readonly(t.type({ to: t.string, subject: t.string, body: t.string }), 'EmailPayload');
export type EmailPayload = t.TypeOf<typeof EmailPayload>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Sends the e-mail of one `email` job, at most once per job after a success: the send is
 * recorded under the job id, and a retry of a job that already sent (its completion was lost
 * to a crash, say) returns the recorded result instead of sending again. The message id is
 * derived from the job id too, so a receiving server can drop a resend.
 */
@injectable()
export class SendEmail {
  constructor(
    @inject(TYPES.Mailer) private readonly mailer: Mailer,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async execute(job: RunningJob, data: EmailPayload): Promise<{ messageId: string; resent: boolean }> {
    const key = CACHE_KEYS.sentEmail(job.queue, job.id);
    const already = await this.cache.get<{ messageId: string }>(key).catch(() => undefined);
    if (already) {
      this.logger.info('email already sent for this job; not sending again', { jobId: job.id, messageId: already.messageId });
      return { messageId: already.messageId, resent: false };
    }
    const sent = await this.mailer
      .send({ to: data.to, subject: data.subject, text: data.body, messageId: `<job-${job.queue}-${job.id}@nexus>` })
      .catch((err: unknown) => {
        // A refusal for good goes to the dead-letter queue now, not after hours of retries.
        throw err instanceof MailRejected ? new PermanentJobFailure(err.message) : err;
      });
    await this.cache.set(key, sent, CACHE_TTL_SECONDS.sentEmail).catch((err: unknown) => this.logger.warn('could not record the send', { jobId: job.id, error: String(err) }));
    this.logger.info('email sent', { jobId: job.id, attempt: job.attemptsMade + 1, messageId: sent.messageId });
    return { ...sent, resent: false };
  }
}

/** Any job name: the API queues `send`, the account flows `welcome` and the like, the report `weekly-report`. */
export const emailJob: JobDefinition<EmailPayload, 'email'> = {
  queue: 'email',
  payload: EmailPayload,
  runner: SendEmail,
  retry: { attempts: 6, backoffMs: [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR] },
};
