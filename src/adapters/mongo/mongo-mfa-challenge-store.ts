import type { Collection } from 'mongodb';
import type { MfaChallenge, MfaChallengeStore } from '../../application/ports/mfa-challenge-store.port';
import { ensureDeclaredIndexes } from './indexes';
import { type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';

export const MFA_CHALLENGES_COLLECTION = 'mfa_challenges';
export const MFA_CHALLENGE_SPENDS_COLLECTION = 'mfa_challenge_spends';

/** `_id` is the token's digest; the token itself is never stored. */
interface ChallengeDocument {
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  spentAt: Date | null;
}

/**
 * Login challenges in MongoDB, expired by an explicit `expiresAt` check (FerretDB v1 has no TTL
 * indexes); a user's expired ones are deleted when it gets a new one. Spending is the insert of
 * a marker with the token digest as unique `_id`: of two exchanges of one token, on any
 * instances, exactly one wins, on MongoDB and on FerretDB v1.
 */
export class MongoMfaChallengeStore implements MfaChallengeStore {
  private readonly challenges: Collection<ChallengeDocument>;
  private readonly spends: Collection<{ _id: string; at: Date }>;

  constructor(database: MongoDatabase) {
    this.challenges = database.db.collection<ChallengeDocument>(MFA_CHALLENGES_COLLECTION);
    this.spends = database.db.collection<{ _id: string; at: Date }>(MFA_CHALLENGE_SPENDS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.challenges, 'mfa_challenges');
  }

  async insert(challenge: MfaChallenge): Promise<void> {
    const stale = await this.challenges.find({ userId: challenge.userId, expiresAt: { $lte: challenge.createdAt } }, { projection: { _id: 1 } }).toArray();
    if (stale.length > 0) {
      const ids = stale.map((c) => c._id);
      await this.challenges.deleteMany({ _id: { $in: ids } });
      await this.spends.deleteMany({ _id: { $in: ids } });
    }
    const { tokenHash, ...rest } = challenge;
    await this.challenges.insertOne({ _id: tokenHash, ...rest, spentAt: null });
  }

  async findLive(tokenHash: string, at: Date): Promise<MfaChallenge | null> {
    const doc = await this.challenges.findOne({ _id: tokenHash });
    if (!doc || doc.spentAt || doc.expiresAt.getTime() <= at.getTime()) return null;
    return { tokenHash: doc._id, userId: doc.userId, createdAt: doc.createdAt, expiresAt: doc.expiresAt };
  }

  async spend(tokenHash: string, at: Date): Promise<boolean> {
    if (!(await this.findLive(tokenHash, at))) return false;
    try {
      await this.spends.insertOne({ _id: tokenHash, at });
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    await this.challenges.updateOne({ _id: tokenHash }, { $set: { spentAt: at } });
    return true;
  }
}
