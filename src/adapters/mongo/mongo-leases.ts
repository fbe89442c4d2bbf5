import type { Collection } from 'mongodb';
import type { Lease, Leases } from '../../application/ports/leases.port';
import { ensureDeclaredIndexes } from './indexes';
import { type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';

interface LeaseDocument {
  /** `<name>#<generation>`: the unique `_id` is what makes taking a generation atomic. */
  _id: string;
  name: string;
  generation: number;
  expiresAt: Date;
  releasedAt: Date | null;
}

/** Superseded generations are deleted only long after they ended, never a live or recent one. */
const KEEP_ENDED_MS = 60 * 60 * 1000;

/**
 * Leases as a chain of generations, one document each. Taking the lease is inserting the next
 * generation: of two processes that both saw generation n ended, exactly one inserts n + 1,
 * because a unique `_id` insert is atomic on MongoDB and on FerretDB v1 alike (FerretDB's
 * conditional updates and deletes read and then write, so two callers could both "win" those).
 * Nobody ever changes or removes another holder's document, so there is nothing to race on.
 */
export class MongoLeases implements Leases {
  private readonly leases: Collection<LeaseDocument>;

  constructor(database: MongoDatabase, private readonly now: () => number = Date.now) {
    this.leases = database.db.collection<LeaseDocument>('leases');
  }

  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.leases, 'leases');
  }

  async tryAcquire(name: string, ttlMs: number): Promise<Lease | null> {
    const now = this.now();
    const latest = await this.leases.find({ name }).sort({ generation: -1 }).limit(1).next();
    if (latest && latest.releasedAt === null && latest.expiresAt.getTime() > now) return null;
    const generation = (latest?.generation ?? 0) + 1;
    const id = `${name}#${generation}`;
    try {
      await this.leases.insertOne({ _id: id, name, generation, expiresAt: new Date(now + ttlMs), releasedAt: null });
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
    return { name, id };
  }

  async release(lease: Lease): Promise<void> {
    const now = this.now();
    await this.leases.updateOne({ _id: lease.id }, { $set: { releasedAt: new Date(now) } });
    const generation = Number(lease.id.slice(lease.id.lastIndexOf('#') + 1));
    await this.leases.deleteMany({ name: lease.name, generation: { $lt: generation - 1 }, expiresAt: { $lt: new Date(now - KEEP_ENDED_MS) } });
  }
}
