import { ContainerModule } from 'inversify';
import { jobsRoutes } from '../../adapters/http/jobs/jobs.routes';
import { buildJobHandlers } from '../../adapters/worker/job-handlers';
import { AccountMail } from '../../application/jobs/account-mail';
import { ManageJobs } from '../../application/jobs/manage-jobs';
import { RelayOutbox } from '../../application/jobs/outbox-relay';
import { ProcessData, SendEmail, WeeklyReport } from '../../application/jobs/processors';
import type { NexusModule } from './module';

export const jobsModule: NexusModule = {
  name: 'jobs',
  bindings: new ContainerModule(({ bind }) => {
    for (const useCase of <const>[ManageJobs, SendEmail, ProcessData, WeeklyReport, AccountMail, RelayOutbox]) bind<unknown>(useCase).toSelf();
  }),
  routes: (resolve) => jobsRoutes(resolve(ManageJobs)),
  jobs: (resolve) => buildJobHandlers({ sendEmail: resolve(SendEmail), processData: resolve(ProcessData), weeklyReport: resolve(WeeklyReport) }),
  schedules: (config) => [
    { id: 'weekly-report', queue: 'reports', name: 'weekly-report', pattern: config.jobs.reportCron, timeZone: config.jobs.reportTimeZone, data: {} },
  ],
};
