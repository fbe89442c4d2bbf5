import { inject, injectable } from 'inversify';
import { systemActor } from '../../domain/auth/actor';
import { ADMIN_ROLE } from '../../domain/roles/role';
import type { Cache } from '../ports/cache.port';
import type { Clock } from '../ports/clock.port';
import type { Logger } from '../ports/logger.port';
import { MailRejected, type Mailer } from '../ports/mailer.port';
import { type JobQueue, PermanentJobFailure, type RunningJob } from '../ports/job-queue.port';
import { TYPES } from '../symbols';
import { UserStatsByRole } from '../users/user-stats-by-role';
import type { EmailJobData } from './email-job';

const SENT_TTL_SECONDS = 7 * 86_400;

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

  async execute(job: RunningJob, data: EmailJobData): Promise<{ messageId: string; resent: boolean }> {
    const key = `sent:${job.queue}:${job.id}`;
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
    await this.cache.set(key, sent, SENT_TTL_SECONDS).catch((err: unknown) => this.logger.warn('could not record the send', { jobId: job.id, error: String(err) }));
    this.logger.info('email sent', { jobId: job.id, attempt: job.attemptsMade + 1, messageId: sent.messageId });
    return { ...sent, resent: false };
  }
}

export interface DataSummary {
  readonly processed: number;
  readonly numbers: number;
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly kinds: Record<string, number>;
}

/** Summarises a list of items one by one, reporting progress as a percentage after each. */
@injectable()
export class ProcessData {
  async execute(job: RunningJob, items: readonly unknown[]): Promise<DataSummary> {
    let numbers = 0;
    let sum = 0;
    let min: number | null = null;
    let max: number | null = null;
    const kinds: Record<string, number> = {};
    let lastReported = -1;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const kind = item === null ? 'null' : Array.isArray(item) ? 'array' : typeof item;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (typeof item === 'number' && Number.isFinite(item)) {
        numbers += 1;
        sum += item;
        min = min === null ? item : Math.min(min, item);
        max = max === null ? item : Math.max(max, item);
      }
      const percent = Math.floor(((i + 1) / items.length) * 100);
      if (percent !== lastReported) {
        lastReported = percent;
        await job.reportProgress(percent);
      }
    }
    return { processed: items.length, numbers, sum, min, max, kinds };
  }
}

/**
 * The weekly report: user statistics by role, computed through the users module (never the
 * database directly), e-mailed to every admin as one job per admin.
 */
@injectable()
export class WeeklyReport {
  constructor(
    @inject(UserStatsByRole) private readonly users: UserStatsByRole,
    @inject(TYPES.JobQueue) private readonly queue: JobQueue,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(job: RunningJob): Promise<{ recipients: number; roles: number }> {
    const stats = await this.users.execute(systemActor('weekly-report', [{ resource: 'users', action: 'read' }]));
    if (stats._tag === 'Left') throw new Error('statistics unavailable');
    const admins = stats.right.find((s) => s.role === ADMIN_ROLE)?.users ?? [];
    const lines = stats.right.map((s) => `${s.role}: ${s.totalUsers} user(s), average age ${s.averageAge ?? 'n/a'}`);
    const body = `Nexus weekly report, ${this.clock.now().toISOString().slice(0, 10)}\n\n${lines.join('\n')}\n`;
    for (const admin of admins) {
      await this.queue.enqueue('email', 'weekly-report', { to: admin.email, subject: 'Nexus weekly report', body }, { jobId: `report-${job.id}-${admin.email}` });
    }
    return { recipients: admins.length, roles: stats.right.length };
  }
}
