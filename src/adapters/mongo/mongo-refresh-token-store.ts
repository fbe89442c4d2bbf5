import { type Collection } from 'mongodb';
import type { RefreshTokenStore } from '../../application/ports/refresh-token-store.port';
import { mostRecentlyUsedFirst, type RefreshToken, recordFromToken, type SessionRecord, type SessionStatus } from '../../domain/auth/session';
import { ensureDeclaredIndexes } from './indexes';
import { type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';
import { type SessionDocument, withId } from './access.documents';

/** One per session (refresh-token family), `_id` the family id: the client and its last use. */
type SessionRecordDocument = Omit<SessionRecord, 'id'> & { _id: string };

export class MongoRefreshTokenStore implements RefreshTokenStore {
  private readonly sessions: Collection<SessionDocument>;
  private readonly spends: Collection<{ _id: string; at: Date }>;
  private readonly records: Collection<SessionRecordDocument>;
  constructor(database: MongoDatabase) {
    this.sessions = database.db.collection<SessionDocument>('refresh_tokens');
    this.spends = database.db.collection<{ _id: string; at: Date }>('refresh_token_spends');
    this.records = database.db.collection<SessionRecordDocument>('sessions');
  }
  /** Tokens by hash, family and user (./indexes); session records are read and touched by `_id` only. */
  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.sessions, 'refresh_tokens');
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
  /** A retried start (same family) keeps the first record. */
  async open(session: SessionRecord): Promise<void> {
    const { id, ...rest } = session;
    try {
      await this.records.insertOne({ _id: id, ...rest });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  /** Joined in the application (FerretDB has no `$lookup`): live tokens, then revoked families, then records. */
  async listLive(userId: string, now: Date): Promise<SessionRecord[]> {
    const tokens = await this.sessions
      .find({ userId, revokedAt: null, spentAt: null, expiresAt: { $gt: now } }, { projection: { tokenHash: 0 } })
      .toArray();
    if (tokens.length === 0) return [];
    const newest = new Map<string, RefreshToken>();
    for (const doc of tokens) {
      const token = { ...(withId(doc) as Omit<RefreshToken, 'tokenHash'>), tokenHash: '' };
      if ((newest.get(token.familyId)?.createdAt.getTime() ?? -Infinity) < token.createdAt.getTime()) newest.set(token.familyId, token);
    }
    const revoked = new Set(await this.sessions.distinct('familyId', { familyId: { $in: [...newest.keys()] }, revokedAt: { $ne: null } }));
    const live = [...newest.values()].filter((t) => !revoked.has(t.familyId));
    if (live.length === 0) return [];
    const records = new Map((await this.records.find({ _id: { $in: live.map((t) => t.familyId) }, userId }).toArray()).map((doc) => [doc._id, withId(doc) as SessionRecord]));
    return live.map((t) => records.get(t.familyId) ?? recordFromToken(t)).sort(mostRecentlyUsedFirst);
  }
  async touch(familyId: string, at: Date, ifUsedBefore: Date): Promise<boolean> {
    return (await this.records.updateOne({ _id: familyId, lastUsedAt: { $lte: ifUsedBefore } }, { $set: { lastUsedAt: at } })).modifiedCount === 1;
  }
}
