import { type Collection } from 'mongodb';
import type { AuditLog, AuditQuery } from '../../application/ports/audit-log.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { AuditAction, AuditEntry } from '../../domain/audit/audit-entry';
import { ensureIndexes, inTransaction, type MongoDatabase } from './mongo-database';
import { type AuditDocument, withId } from './access.documents';

export class MongoAuditLog implements AuditLog {
  private readonly entries: Collection<AuditDocument>;
  constructor(database: MongoDatabase) {
    this.entries = database.db.collection<AuditDocument>('audit_log');
  }
  /**
   * Each filter of `list` (none, actorId, action), then its whole sort (`at`, `_id`): an index
   * that stops at `at` leaves MongoDB sorting every match in memory to break ties on `_id`.
   * The earlier indexes without `_id` are dropped.
   */
  ensureIndexes(): Promise<void> {
    return ensureIndexes(
      this.entries,
      [
        { key: { actorId: 1, at: -1, _id: -1 }, name: 'actor_at_id' },
        { key: { action: 1, at: -1, _id: -1 }, name: 'action_at_id' },
        { key: { at: -1, _id: -1 }, name: 'at_id' },
      ],
      ['actor_at', 'action_at', 'at'],
    );
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
