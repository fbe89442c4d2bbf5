import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { DashboardAction } from '../../domain/audit/audit-entry';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { AuditRecorder } from '../audit/audit-recorder';
import { authorize, refuseApiKey } from '../authorization';

/** What a dashboard action acted on: a queue, and a job or a job status when it names one. */
export interface DashboardTarget {
  readonly queue: string | null;
  readonly jobId: string | null;
  readonly detail?: Readonly<Record<string, string>>;
}

/**
 * Who may open the queue dashboard (/admin/queues): a person signed in (a session, never an API
 * key) holding `jobs:manage`. Asked on every dashboard request, so a permission taken away counts
 * at the next request.
 */
@injectable()
export class OpenQueueDashboard {
  execute(actor: Actor): E.Either<AuthError, void> {
    const signedIn = refuseApiKey(actor);
    if (E.isLeft(signedIn)) return signedIn;
    return authorize(actor, 'jobs', 'manage');
  }
}

/**
 * Dashboard actions that write what a job does rather than move jobs about: adding one and
 * replacing its data. Queueing work through the API needs `jobs:create`, so they need it too
 * (with `jobs:manage` alone, an operator could otherwise mail anyone anything from the `email`
 * queue, past the API's permission and validation).
 */
const AUTHORING: ReadonlySet<DashboardAction> = new Set<DashboardAction>(['jobs.dashboard.add', 'jobs.dashboard.update-data']);

/** Whether a person on the dashboard may take one action, asked before bull-board runs it. */
@injectable()
export class AuthorizeQueueDashboardAction {
  constructor(@inject(OpenQueueDashboard) private readonly open: OpenQueueDashboard) {}

  execute(actor: Actor, action: DashboardAction): E.Either<AuthError, void> {
    const allowed = this.open.execute(actor);
    if (E.isLeft(allowed)) return allowed;
    return AUTHORING.has(action) ? authorize(actor, 'jobs', 'create') : E.right(undefined);
  }
}

/**
 * Records what a person did to the queues through the dashboard (retry, remove, promote, clean,
 * pause...), once the action succeeded: who, which action, which queue and job. Checks the same
 * permission as opening the dashboard, so nothing is recorded for someone who may not act.
 */
@injectable()
export class RecordQueueDashboardAction {
  constructor(
    @inject(OpenQueueDashboard) private readonly open: OpenQueueDashboard,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  async execute(actor: Actor, action: DashboardAction, target: DashboardTarget): Promise<E.Either<AuthError, void>> {
    const allowed = this.open.execute(actor);
    if (E.isLeft(allowed)) return allowed;
    await this.audit.record({
      actorId: actor.userId,
      action,
      target: { type: 'job', id: target.jobId },
      after: { queue: target.queue, jobId: target.jobId, ...(target.detail ?? {}) },
    });
    return E.right(undefined);
  }
}
