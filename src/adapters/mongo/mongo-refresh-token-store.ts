import { type Collection } from 'mongodb';
import type { RefreshTokenStore } from '../../application/ports/refresh-token-store.port';
import type { RefreshToken, SessionStatus } from '../../domain/auth/session';
import { ensureIndexes, type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';
import { type SessionDocument, withId } from './access.documents';

export class MongoRefreshTokenStore implements RefreshTokenStore {
  private readonly sessions: Collection<SessionDocument>;
  private readonly spends: Collection<{ _id: string; at: Date }>;
  constructor(database: MongoDatabase) {
    this.sessions = database.db.collection<SessionDocument>('refresh_tokens');
    this.spends = database.db.collection<{ _id: string; at: Date }>('refresh_token_spends');
  }
  ensureIndexes(): Promise<void> {
    return ensureIndexes(this.sessions, [
      { key: { tokenHash: 1 }, name: 'token_hash_unique', unique: true },
      { key: { familyId: 1 }, name: 'family' },
      { key: { userId: 1 }, name: 'user' },
    ]);
  }
  async insert(session: RefreshToken): Promise<void> {
    const { id, ...rest } = session;
    await this.sessions.insertOne({ _id: id, ...rest });
  }
  async findByHash(tokenHash: string): Promise<RefreshToken | null> {
    const doc = await this.sessions.findOne({ tokenHash });
    return doc ? (withId(doc) as RefreshToken) : null;
  }
  /**
   * Of two concurrent refreshes with one token, exactly one may win. A conditional update does
   * that on MongoDB but not on FerretDB v1 (its SQLite backend reads and writes separately), so
   * the winner is whoever inserts the spend marker first: a unique `_id` is atomic on both.
   */
  async spend(id: string, at: Date): Promise<boolean> {
    const session = await this.sessions.findOne({ _id: id }, { projection: { spentAt: 1, revokedAt: 1 } });
    if (!session || session.spentAt || session.revokedAt) return false;
    try {
      await this.spends.insertOne({ _id: id, at });
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    await this.sessions.updateOne({ _id: id }, { $set: { spentAt: at } });
    return true;
  }
  async findSession(familyId: string): Promise<SessionStatus | null> {
    const [any, revoked] = await Promise.all([
      this.sessions.findOne({ familyId }, { projection: { userId: 1 } }),
      this.sessions.findOne({ familyId, revokedAt: { $ne: null } }, { projection: { _id: 1 } }),
    ]);
    return any ? { userId: any.userId, revoked: revoked !== null } : null;
  }
  async revokeFamily(familyId: string, at: Date): Promise<number> {
    return (await this.sessions.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount;
  }
  /**
   * Revokes family by family, so the answer names exactly the sessions this call ended (their
   * access tokens are refused through it); a login racing the call is caught by the next round.
   */
  async revokeForUser(userId: string, at: Date, exceptFamily?: string): Promise<string[]> {
    const revoked = new Set<string>();
    for (let round = 0; round < 5; round++) {
      const live = (await this.sessions.distinct('familyId', { userId, revokedAt: null })).filter((f) => f !== exceptFamily);
      if (live.length === 0) break;
      await this.sessions.updateMany({ userId, familyId: { $in: live }, revokedAt: null }, { $set: { revokedAt: at } });
      for (const f of live) revoked.add(f);
    }
    return [...revoked];
  }
}
