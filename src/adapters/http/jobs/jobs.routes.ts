import type Router from '@koa/router';
import { createRouter } from '../routing';
import * as t from 'io-ts';
import type { EnqueueDataProcessing } from '../../../application/jobs/enqueue-data-processing';
import type { EnqueueEmail } from '../../../application/jobs/enqueue-email';
import type { GetJob } from '../../../application/jobs/get-job';
import type { ListDeadLetters } from '../../../application/jobs/list-dead-letters';
import type { ListSchedules } from '../../../application/jobs/list-schedules';
import type { RetryDeadLetter } from '../../../application/jobs/retry-dead-letter';
import type { JobView } from '../../../application/ports/job-queue.port';
import { JOB_PRIORITIES } from '../../../domain/jobs/job';
import { EmailString } from '../auth/auth.codecs';
import { DateTimeString, decodeOrThrow, oneOf, Str, strictObject } from '../decode';
import { actorOf, requireActor } from '../middleware/authenticate';
import { paged, PageQuery, pageOf } from '../pagination.codecs';
import { respond } from '../respond';
import type { JobView as JobViewOut } from '../openapi/views';

export const EmailJobBody = strictObject(
  'EmailJobBody',
  { to: EmailString, subject: Str(200), body: Str(50_000) },
  { priority: oneOf(JOB_PRIORITIES), sendAt: DateTimeString },
);
export const DataJobBody = strictObject('DataJobBody', { items: t.array(t.unknown) });
export const JobParams = t.type({ queue: Str(40), id: Str(200) });
export const DeadLetterParams = t.type({ id: Str(200) });

export const DeadLetterQuery = strictObject('DeadLetterQuery', {}, PageQuery.props);

export const presentJob = (j: JobView): JobViewOut => ({
  id: j.id,
  queue: j.queue,
  name: j.name,
  state: j.state,
  progress: j.progress,
  attemptsMade: j.attemptsMade,
  data: j.data,
  ...(j.state === 'completed' ? { result: j.result } : {}),
  ...(j.state === 'failed' || j.state === 'dead' ? { failedReason: j.failedReason } : {}),
  createdAt: j.createdAt.toISOString(),
});

export interface JobsUseCases {
  readonly enqueueEmail: EnqueueEmail;
  readonly enqueueDataProcessing: EnqueueDataProcessing;
  readonly getJob: GetJob;
  readonly listDeadLetters: ListDeadLetters;
  readonly retryDeadLetter: RetryDeadLetter;
  readonly listSchedules: ListSchedules;
}

export const jobsRoutes = (jobs: JobsUseCases): Router => {
  const router = createRouter({ prefix: '/api/jobs' });
  router.use(requireActor);

  router.post('/email', async (ctx) => {
    const body = decodeOrThrow(EmailJobBody, ctx.request.body);
    const sendAt = body.sendAt;
    const result = await jobs.enqueueEmail.execute(actorOf(ctx), { to: body.to, subject: body.subject, body: body.body, ...(body.priority ? { priority: body.priority } : {}), ...(sendAt ? { sendAt } : {}) });
    respond(ctx, result, 202, 'E-mail queued', (r) => r);
  });

  router.post('/data-processing', async (ctx) => {
    const body = decodeOrThrow(DataJobBody, ctx.request.body);
    respond(ctx, await jobs.enqueueDataProcessing.execute(actorOf(ctx), body.items), 202, 'Data processing queued', (r) => r);
  });

  router.get('/schedules', async (ctx) => {
    respond(ctx, await jobs.listSchedules.execute(actorOf(ctx)), 200, 'Schedules', (list) => list.map((s) => ({ ...s, next: s.next?.toISOString() ?? null })));
  });

  router.get('/dead-letter', async (ctx) => {
    const { page, limit } = pageOf(decodeOrThrow(DeadLetterQuery, ctx.query));
    respond(ctx, await jobs.listDeadLetters.execute(actorOf(ctx), page, limit), 200, 'Dead-letter queue', (r) => paged(r.items.map(presentJob), r.total, page, limit));
  });

  router.post('/dead-letter/:id/retry', async (ctx) => {
    const { id } = decodeOrThrow(DeadLetterParams, ctx.params);
    respond(ctx, await jobs.retryDeadLetter.execute(actorOf(ctx), id), 202, 'Re-queued with high priority', (r) => r);
  });

  router.get('/:queue/:id', async (ctx) => {
    const { queue, id } = decodeOrThrow(JobParams, ctx.params);
    respond(ctx, await jobs.getJob.execute(actorOf(ctx), queue, id), 200, 'Job', presentJob);
  });

  return router;
};
