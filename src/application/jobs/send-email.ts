import { inject, injectable } from 'inversify';
import type { Logger } from '../ports/logger.port';
import type { Mailer } from '../ports/mailer.port';
import type { RunningJob } from '../ports/job-queue.port';
import type { EmailJobData } from './email-job';
import { TYPES } from '../symbols';

/**
 * Sends the e-mail of one `email` job. The message id is derived from the job id, so a
 * receiving server that de-duplicates sees a retried send as the same message.
 */
@injectable()
export class SendEmail {
  constructor(
    @inject(TYPES.Mailer) private readonly mailer: Mailer,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  async execute(job: RunningJob, data: EmailJobData): Promise<{ messageId: string }> {
    const sent = await this.mailer.send({
      to: data.to,
      subject: data.subject,
      text: data.body,
      messageId: `<job-${job.queue}-${job.id}@nexus>`,
    });
    this.logger.info('email sent', { jobId: job.id, attempt: job.attemptsMade + 1, messageId: sent.messageId });
    return sent;
  }
}
