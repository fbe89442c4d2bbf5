export const AUDIT_ACTIONS = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.refresh.reused',
  'auth.password.changed',
  'auth.lockout',
  'auth.lockout.lifted',
  'auth.mfa.enrolment.started',
  'auth.mfa.enabled',
  'auth.mfa.disabled',
  'auth.mfa.challenged',
  'auth.mfa.failed',
  'auth.mfa.recovery-code.used',
  'auth.password.reset.requested',
  'auth.password.reset.completed',
  'auth.email.verification.sent',
  'auth.email.verified',
  'role.created',
  'role.updated',
  'role.deleted',
  'user.role.assigned',
  'user.role.unassigned',
  'user.role.transferred',
  'user.updated',
  'user.email.changed',
  'user.deleted',
  'user.restored',
  'apikey.created',
  'apikey.revoked',
  'auth.session.revoked',
  'auth.sessions.revoked',
  // What a person did on the queue dashboard (/admin/queues): one action per bull-board operation.
  'jobs.dashboard.retry',
  'jobs.dashboard.remove',
  'jobs.dashboard.promote',
  'jobs.dashboard.update-data',
  'jobs.dashboard.change-delay',
  'jobs.dashboard.change-priority',
  'jobs.dashboard.remove-children',
  'jobs.dashboard.add',
  'jobs.dashboard.retry-all',
  'jobs.dashboard.promote-all',
  'jobs.dashboard.clean-all',
  'jobs.dashboard.pause',
  'jobs.dashboard.resume',
  'jobs.dashboard.pause-all',
  'jobs.dashboard.resume-all',
  'jobs.dashboard.empty',
  'jobs.dashboard.obliterate',
  'jobs.dashboard.concurrency',
  'jobs.dashboard.rate-limit',
  'jobs.dashboard.rate-limit-release',
  'jobs.dashboard.scheduler-remove',
  'jobs.dashboard.scheduler-update',
  'jobs.dashboard.scheduler-run',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
/** The audit actions of the queue dashboard. */
export type DashboardAction = Extract<AuditAction, `jobs.dashboard.${string}`>;

/** One fact in the append-only audit trail. */
export interface AuditEntry {
  readonly id: string;
  /** Null when nobody is authenticated (a failed login). */
  readonly actorId: string | null;
  readonly action: AuditAction;
  readonly target: { readonly type: string; readonly id: string | null };
  readonly before?: unknown;
  readonly after?: unknown;
  readonly requestId: string | null;
  readonly at: Date;
}
