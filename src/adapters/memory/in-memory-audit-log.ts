import type { AuditLog, AuditQuery } from '../../application/ports/audit-log.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { AuditEntry } from '../../domain/audit/audit-entry';

export class InMemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  async append(entry: AuditEntry, _tx?: Tx): Promise<void> {
    this.entries.push(structuredClone(entry));
  }
  async list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const matching = this.entries
      .filter((e) => (query.actorId === undefined || e.actorId === query.actorId) && (query.action === undefined || e.action === query.action))
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1));
    const start = (query.page - 1) * query.limit;
    return { items: matching.slice(start, start + query.limit).map((v) => structuredClone(v)), total: matching.length };
  }
}
