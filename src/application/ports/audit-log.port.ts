import type { AuditAction, AuditEntry } from '../../domain/audit/audit-entry';
import type { Tx } from './unit-of-work.port';

export interface AuditQuery {
  readonly actorId?: string;
  readonly action?: AuditAction;
  readonly page: number;
  readonly limit: number;
}

/** Append-only: there is no update and no delete. Lists newest first. */
export interface AuditLog {
  append(entry: AuditEntry, tx?: Tx): Promise<void>;
  list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }>;
}
