import { ContainerModule } from 'inversify';
import { jobsRoutes } from '../../adapters/http/jobs/jobs.routes';
import { buildJobHandlers } from '../../adapters/worker/job-handlers';
import { AccountMail } from '../../application/jobs/account-mail';
import { jobTypes, scheduledJobs } from '../../application/jobs/job-types';
import { ManageJobs } from '../../application/jobs/manage-jobs';
import { RelayOutbox } from '../../application/jobs/outbox-relay';
import type { NexusModule } from './module';

export const jobsModule: NexusModule = {
  name: 'jobs',
  bindings: new ContainerModule(({ bind }) => {
    for (const useCase of <const>[ManageJobs, AccountMail, RelayOutbox]) bind<unknown>(useCase).toSelf();
    for (const type of jobTypes()) bind(type.runner).toSelf();
  }),
  routes: (resolve) => jobsRoutes(resolve(ManageJobs)),
  jobs: (resolve) => buildJobHandlers(jobTypes(), (type) => resolve(type.runner)),
  schedules: (config) => scheduledJobs({ reports: { pattern: config.jobs.reportCron, timeZone: config.jobs.reportTimeZone } }),
};
