import type { Alerts } from '../../application/ports/alerts.port';
import type { Logger } from '../../application/ports/logger.port';
import type { DeadLetter } from '../../domain/jobs/job';

/** Alerts as error log lines with a stable `alert` field that log-based alerting can match. */
export class LogAlerts implements Alerts {
  constructor(private readonly logger: Logger) {}

  async deadLetter(letter: DeadLetter): Promise<void> {
    this.logger.error('ALERT job failed permanently and is in the dead-letter queue', {
      alert: 'job.dead-letter',
      queue: letter.originalQueue,
      jobId: letter.originalJobId,
      name: letter.name,
      attempts: letter.attemptsMade,
      error: letter.error,
    });
  }
}
