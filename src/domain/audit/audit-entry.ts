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
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

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
