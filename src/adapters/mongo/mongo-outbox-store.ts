import type { Collection } from 'mongodb';
import type { ClaimedMessage, OutboxMessage, OutboxStore } from '../../application/ports/outbox.port';
import type { Tx } from '../../application/ports/unit-of-work.port';
import { ensureDeclaredIndexes } from './indexes';
import { inTransaction, type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';

export const OUTBOX_COLLECTION = 'outbox';

type OutboxDocument = Omit<OutboxMessage, 'id'> & {
  _id: string;
  status: 'pending' | 'claimed' | 'relayed';
  /** When a pending message may be relayed, or when a claim's lease runs out. */
  dueAt: Date;
  claim?: string;
  attempts: number;
  relayedAt?: Date;
};

/** One claim of one message: the unique `_id` makes its insert the atomic step of a claim. */
interface ClaimDocument {
  _id: string;
  messageId: string;
  at: Date;
}

const CANDIDATES = 20;

/**
 * The outbox in MongoDB. A claim of message M is the insert of a document with `_id` `M#n` (n:
 * M's next attempt): inserts of one `_id` are atomic on every MongoDB-wire server, where a
 * conditional `findOneAndUpdate` is not (FerretDB v1 reads, then writes). A claim whose holder
 * died before recording it goes stale after the lease, and the next claimer takes `M#n+1`.
 */
export class MongoOutboxStore implements OutboxStore {
  private readonly messages: Collection<OutboxDocument>;
  private readonly claims: Collection<ClaimDocument>;

  constructor(database: MongoDatabase) {
    this.messages = database.db.collection<OutboxDocument>(OUTBOX_COLLECTION);
    this.claims = database.db.collection<ClaimDocument>(`${OUTBOX_COLLECTION}_claims`);
  }

  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.messages, 'outbox');
    await ensureDeclaredIndexes(this.claims, 'outbox_claims');
  }

  async add(message: OutboxMessage, tx?: Tx): Promise<void> {
    const { id, ...rest } = message;
    await this.messages.insertOne({ _id: id, ...rest, status: 'pending', dueAt: message.createdAt, attempts: 0 }, inTransaction(tx));
  }

  async addClaimed(message: OutboxMessage, now: Date, leaseMs: number): Promise<ClaimedMessage> {
    const { id, ...rest } = message;
    // Attempt 1's claim is the message's own insert (unique `_id`): no claim document is needed,
    // as the next claimer, after the lease, takes `M#2` (see `takeClaim`).
    const claim = `${id}#1`;
    await this.messages.insertOne({ _id: id, ...rest, status: 'claimed', claim, attempts: 1, dueAt: new Date(now.getTime() + leaseMs) });
    return { ...structuredClone(message), claim, attempts: 1 };
  }

  async claim(now: Date, leaseMs: number, id?: string): Promise<ClaimedMessage | null> {
    const due = await this.messages
      .find({ ...(id === undefined ? {} : { _id: id }), status: { $in: ['pending', 'claimed'] }, dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .limit(CANDIDATES)
      .toArray();
    for (const doc of due) {
      const claim = await this.takeClaim(doc, now, leaseMs);
      if (claim === null) continue;
      const attempts = Number(claim.slice(claim.lastIndexOf('#') + 1));
      const taken = await this.messages.updateOne(
        { _id: doc._id, status: { $ne: 'relayed' }, attempts: { $lt: attempts } },
        { $set: { status: 'claimed', claim, attempts, dueAt: new Date(now.getTime() + leaseMs) } },
      );
      if (taken.modifiedCount !== 1) continue;
      const { _id, status: _status, dueAt: _dueAt, relayedAt: _relayedAt, claim: _claim, attempts: _attempts, ...rest } = doc;
      return { id: _id, ...rest, claim, attempts };
    }
    return null;
  }

  /** Inserts the claim document of the message's next attempt; null when another claimer holds it. */
  private async takeClaim(doc: OutboxDocument, now: Date, leaseMs: number): Promise<string | null> {
    for (let n = doc.attempts + 1; n <= doc.attempts + 5; n++) {
      const claim = `${doc._id}#${n}`;
      try {
        await this.claims.insertOne({ _id: claim, messageId: doc._id, at: now });
        return claim;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const held = await this.claims.findOne({ _id: claim });
        if (held && held.at.getTime() + leaseMs > now.getTime()) return null;
      }
    }
    return null;
  }

  async markRelayed(id: string, claim: string, now: Date): Promise<boolean> {
    const res = await this.messages.updateOne({ _id: id, status: 'claimed', claim }, { $set: { status: 'relayed', relayedAt: now } });
    return res.modifiedCount === 1;
  }

  async release(id: string, claim: string, dueAt: Date): Promise<void> {
    await this.messages.updateOne({ _id: id, status: 'claimed', claim }, { $set: { status: 'pending', dueAt }, $unset: { claim: '' } });
  }

  async discard(id: string): Promise<void> {
    await this.messages.deleteOne({ _id: id });
    await this.claims.deleteMany({ messageId: id });
  }

  pending(): Promise<number> {
    return this.messages.countDocuments({ status: { $in: ['pending', 'claimed'] } });
  }

  async purgeRelayed(before: Date): Promise<number> {
    // FerretDB v1 has no TTL indexes: expiry is an explicit delete.
    const old = await this.messages.find({ status: 'relayed', relayedAt: { $lt: before } }, { projection: { _id: 1 } }).limit(1000).toArray();
    if (old.length === 0) return 0;
    const ids = old.map((d) => d._id);
    await this.claims.deleteMany({ messageId: { $in: ids } });
    return (await this.messages.deleteMany({ _id: { $in: ids }, status: 'relayed' })).deletedCount;
  }
}
