import { ContainerModule } from 'inversify';
import { jobsRoutes } from '../../adapters/http/jobs/jobs.routes';
import { buildJobHandlers } from '../../adapters/worker/job-handlers';
import { AccountMail } from '../../application/jobs/account-mail';
import { EnqueueDataProcessing } from '../../application/jobs/enqueue-data-processing';
import { EnqueueEmail } from '../../application/jobs/enqueue-email';
import { GetJob } from '../../application/jobs/get-job';
import { jobTypes, scheduledJobs } from '../../application/jobs/job-types';
import { ListDeadLetters } from '../../application/jobs/list-dead-letters';
import { ListSchedules } from '../../application/jobs/list-schedules';
import { RetryDeadLetter } from '../../application/jobs/retry-dead-letter';
import { RelayOutbox } from '../../application/jobs/outbox-relay';
import type { NexusModule } from './module';

export const jobsModule: NexusModule = {
  name: 'jobs',
  bindings: new ContainerModule(({ bind }) => {
    for (const useCase of <const>[EnqueueEmail, EnqueueDataProcessing, GetJob, ListDeadLetters, RetryDeadLetter, ListSchedules, AccountMail, RelayOutbox]) bind<unknown>(useCase).toSelf();
    for (const type of jobTypes()) bind(type.runner).toSelf();
  }),
  routes: (resolve) =>
    jobsRoutes({
      enqueueEmail: resolve(EnqueueEmail),
      enqueueDataProcessing: resolve(EnqueueDataProcessing),
      getJob: resolve(GetJob),
      listDeadLetters: resolve(ListDeadLetters),
      retryDeadLetter: resolve(RetryDeadLetter),
      listSchedules: resolve(ListSchedules),
    }),
  jobs: (resolve) => buildJobHandlers(jobTypes(), (type) => resolve(type.runner)),
  schedules: (config) => scheduledJobs({ reports: { pattern: config.jobs.reportCron, timeZone: config.jobs.reportTimeZone } }),
};
