import { type ClientSession, type Collection } from 'mongodb';
import type { ApiKeyRepository } from '../../application/ports/api-key-repository.port';
import type { AuditLog, AuditQuery } from '../../application/ports/audit-log.port';
import type { RefreshTokenStore } from '../../application/ports/refresh-token-store.port';
import type { RoleRepository, SaveRoleResult } from '../../application/ports/role-repository.port';
import type { Tx, UnitOfWork } from '../../application/ports/unit-of-work.port';
import type { ApiKey } from '../../domain/api-keys/api-key';
import type { AuditAction, AuditEntry } from '../../domain/audit/audit-entry';
import type { RefreshSession, SessionStatus } from '../../domain/auth/session';
import type { Permission } from '../../domain/roles/permission';
import type { Role, RoleId } from '../../domain/roles/role';
import { ensureIndexes, type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';

// Documents keep the entity's string id as `_id`: ids are ObjectId-shaped in every profile, and
// these collections are never joined in the database.

type RoleDocument = Omit<Role, 'id'> & { _id: string };
type SessionDocument = Omit<RefreshSession, 'id'> & { _id: string };
type ApiKeyDocument = Omit<ApiKey, 'id'> & { _id: string };
type AuditDocument = Omit<AuditEntry, 'id'> & { _id: string };

const withId = <T extends { _id: string }>({ _id, ...rest }: T): Omit<T, '_id'> & { id: string } => ({ id: _id, ...rest });

export class MongoRoleRepository implements RoleRepository {
  private readonly roles: Collection<RoleDocument>;
  constructor(database: MongoDatabase) {
    this.roles = database.db.collection<RoleDocument>('roles');
  }
  ensureIndexes(): Promise<void> {
    return ensureIndexes(this.roles, [{ key: { name: 1 }, name: 'name_unique', unique: true }]);
  }
  async findById(id: RoleId): Promise<Role | null> {
    const doc = await this.roles.findOne({ _id: id });
    return doc ? (withId(doc) as Role) : null;
  }
  async findByName(name: string): Promise<Role | null> {
    const doc = await this.roles.findOne({ name });
    return doc ? (withId(doc) as Role) : null;
  }
  async findByIds(ids: readonly string[]): Promise<Role[]> {
    if (ids.length === 0) return [];
    const docs = await this.roles.find({ _id: { $in: [...ids] } }).toArray();
    return docs.map((d) => withId(d) as Role);
  }
  async list(): Promise<Role[]> {
    return (await this.roles.find({}).sort({ name: 1 }).toArray()).map((d) => withId(d) as Role);
  }
  async insert(role: Role): Promise<SaveRoleResult> {
    const { id, ...rest } = role;
    try {
      await this.roles.insertOne({ _id: id, ...rest, permissions: plain(rest.permissions) });
      return 'saved';
    } catch (err) {
      if (isDuplicateKey(err)) return 'name-taken';
      throw err;
    }
  }
  async update(role: Role): Promise<SaveRoleResult> {
    const { id, createdAt: _c, ...rest } = role;
    try {
      const result = await this.roles.updateOne({ _id: id, version: role.version - 1 }, { $set: { ...rest, permissions: plain(rest.permissions) } });
      if (result.matchedCount === 1) return 'saved';
    } catch (err) {
      if (isDuplicateKey(err)) return 'name-taken';
      throw err;
    }
    return (await this.roles.countDocuments({ _id: id }, { limit: 1 })) === 0 ? 'not-found' : 'version-conflict';
  }
  async delete(id: RoleId): Promise<boolean> {
    return (await this.roles.deleteOne({ _id: id })).deletedCount === 1;
  }
}

const plain = (ps: readonly Permission[]): Permission[] => ps.map((p) => ({ resource: p.resource, action: p.action }));

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
  async insert(session: RefreshSession): Promise<void> {
    const { id, ...rest } = session;
    await this.sessions.insertOne({ _id: id, ...rest });
  }
  async findByHash(tokenHash: string): Promise<RefreshSession | null> {
    const doc = await this.sessions.findOne({ tokenHash });
    return doc ? (withId(doc) as RefreshSession) : null;
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

export class MongoApiKeyRepository implements ApiKeyRepository {
  private readonly keys: Collection<ApiKeyDocument>;
  constructor(database: MongoDatabase) {
    this.keys = database.db.collection<ApiKeyDocument>('api_keys');
  }
  ensureIndexes(): Promise<void> {
    return ensureIndexes(this.keys, [
      { key: { keyHash: 1 }, name: 'key_hash_unique', unique: true },
      { key: { ownerId: 1, createdAt: -1 }, name: 'owner' },
    ]);
  }
  async insert(key: ApiKey): Promise<void> {
    const { id, ...rest } = key;
    await this.keys.insertOne({ _id: id, ...rest, permissions: plain(rest.permissions) });
  }
  async findById(id: string): Promise<ApiKey | null> {
    const doc = await this.keys.findOne({ _id: id });
    return doc ? (withId(doc) as ApiKey) : null;
  }
  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const doc = await this.keys.findOne({ keyHash });
    return doc ? (withId(doc) as ApiKey) : null;
  }
  async listByOwner(ownerId: string): Promise<ApiKey[]> {
    return (await this.keys.find({ ownerId }).sort({ createdAt: -1 }).toArray()).map((d) => withId(d) as ApiKey);
  }
  async revoke(id: string, at: Date): Promise<boolean> {
    return (await this.keys.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount === 1;
  }
  async revokeForOwner(ownerId: string, at: Date): Promise<number> {
    return (await this.keys.updateMany({ ownerId, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount;
  }
  async touch(id: string, at: Date): Promise<void> {
    await this.keys.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
  }
}

export class MongoAuditLog implements AuditLog {
  private readonly entries: Collection<AuditDocument>;
  constructor(database: MongoDatabase) {
    this.entries = database.db.collection<AuditDocument>('audit_log');
  }
  ensureIndexes(): Promise<void> {
    return ensureIndexes(this.entries, [
      { key: { actorId: 1, at: -1 }, name: 'actor_at' },
      { key: { action: 1, at: -1 }, name: 'action_at' },
      { key: { at: -1 }, name: 'at' },
    ]);
  }
  async append(entry: AuditEntry, tx?: Tx): Promise<void> {
    const { id, ...rest } = entry;
    await this.entries.insertOne({ _id: id, ...rest }, { session: tx as ClientSession | undefined });
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

/** Real transactions on a replica set or mongos; on anything else (FerretDB), `atomic: false`. */
export class MongoUnitOfWork implements UnitOfWork {
  constructor(private readonly database: MongoDatabase) {}
  get atomic(): boolean {
    return this.database.supportsTransactions;
  }
  run<T>(work: (tx: Tx | undefined) => Promise<T>): Promise<T> {
    return this.database.withTransaction((session) => work(session as unknown as Tx | undefined));
  }
}

export const ensureAccessIndexes = async (database: MongoDatabase): Promise<void> => {
  await new MongoRoleRepository(database).ensureIndexes();
  await new MongoRefreshTokenStore(database).ensureIndexes();
  await new MongoApiKeyRepository(database).ensureIndexes();
  await new MongoAuditLog(database).ensureIndexes();
};

