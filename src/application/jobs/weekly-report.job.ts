import { inject, injectable } from 'inversify';
import * as t from 'io-ts';
import { ADMIN_ROLE } from '../../domain/roles/role';
import type { Clock } from '../ports/clock.port';
import type { JobQueue, RunningJob } from '../ports/job-queue.port';
import { TYPES } from '../symbols';
import { UserStatsByRole } from '../users/user-stats-by-role';
import { systemActor } from '../../domain/auth/actor';
import { emailJob } from './email.job';
import type { JobDefinition } from './job-definition';

/** The report reads nothing from its payload (the schedule queues `{}`). */
export const WeeklyReportPayload = t.unknown;
export type WeeklyReportPayload = t.TypeOf<typeof WeeklyReportPayload>;

const MINUTE = 60_000;

/**
 * The weekly report: user statistics by role, computed through the users module (never the
 * database directly), e-mailed to every admin as one job per admin.
 */
@injectable()
export class WeeklyReport {
  constructor(
    @inject(UserStatsByRole) private readonly stats: UserStatsByRole,
    @inject(TYPES.JobQueue) private readonly queue: JobQueue,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async execute(job: RunningJob): Promise<{ recipients: number; roles: number }> {
    const stats = await this.stats.execute(systemActor('weekly-report', [{ resource: 'users', action: 'read' }]));
    if (stats._tag === 'Left') throw new Error('statistics unavailable');
    const admins = stats.right.find((s) => s.role === ADMIN_ROLE)?.users ?? [];
    const lines = stats.right.map((s) => `${s.role}: ${s.totalUsers} user(s), average age ${s.averageAge ?? 'n/a'}`);
    const body = `Nexus weekly report, ${this.clock.now().toISOString().slice(0, 10)}\n\n${lines.join('\n')}\n`;
    for (const admin of admins) {
      await this.queue.enqueue(emailJob.queue, 'weekly-report', { to: admin.email, subject: 'Nexus weekly report', body }, { jobId: `report-${job.id}-${admin.email}` });
    }
    return { recipients: admins.length, roles: stats.right.length };
  }
}

/** Mondays at 09:00 UTC unless `REPORT_CRON` and `REPORT_TIMEZONE` say otherwise. */
export const weeklyReportJob: JobDefinition<WeeklyReportPayload, 'reports'> = {
  queue: 'reports',
  payload: WeeklyReportPayload,
  runner: WeeklyReport,
  retry: { attempts: 3, backoffMs: [5 * MINUTE, 30 * MINUTE] },
  names: ['weekly-report'],
  schedule: { name: 'weekly-report', pattern: '0 9 * * 1', timeZone: 'UTC', data: {} },
};
