export const AUDIT_ACTIONS = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.refresh.reused',
  'auth.password.changed',
  'auth.lockout',
  'auth.lockout.lifted',
  'role.created',
  'role.updated',
  'role.deleted',
  'user.role.assigned',
  'user.role.unassigned',
  'user.role.transferred',
  'user.updated',
  'user.deleted',
  'user.restored',
  'apikey.created',
  'apikey.revoked',
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
