import { type Collection } from 'mongodb';
import type { AuditLog, AuditQuery } from '../../application/ports/audit-log.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { AuditAction, AuditEntry } from '../../domain/audit/audit-entry';
import { ensureDeclaredIndexes } from './indexes';
import { inTransaction, type MongoDatabase } from './mongo-database';
import { type AuditDocument, withId } from './access.documents';

export class MongoAuditLog implements AuditLog {
  private readonly entries: Collection<AuditDocument>;
  constructor(database: MongoDatabase) {
    this.entries = database.db.collection<AuditDocument>('audit_log');
  }
  /** Its indexes, one per filter of `list` with the whole sort: ./indexes. */
  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.entries, 'audit_log');
  }
  async append(entry: AuditEntry, tx?: Tx): Promise<void> {
    const { id, ...rest } = entry;
    await this.entries.insertOne({ _id: id, ...rest }, inTransaction(tx));
  }
  async list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const filter: { actorId?: string; action?: AuditAction } = {};
    if (query.actorId !== undefined) filter.actorId = query.actorId;
    if (query.action !== undefined) filter.action = query.action;
    const [docs, total] = await Promise.all([
      this.entries
        .find(filter)
        .sort({ at: -1, _id: -1 })
        .skip((query.page - 1) * query.limit)
        .limit(query.limit)
        .toArray(),
      this.entries.countDocuments(filter),
    ]);
    return { items: docs.map((d) => withId(d) as AuditEntry), total };
  }
}
