import { type Collection, type Filter, MongoServerError, ObjectId, type Sort } from 'mongodb';
import type { Tx } from '../../application/ports/unit-of-work.port';
import type { InsertUserResult, RoleMembers, UpdateUserResult, UserListQuery, UserRepository } from '../../application/ports/user-repository.port';
import type { PasswordHistoryEntry } from '../../domain/auth/password-policy';
import { type Email, emailKey } from '../../domain/users/email';
import type { User, UserId } from '../../domain/users/user';
import { ensureIndexes, inTransaction, type MongoDatabase } from './mongo-database';
import { fromUserDocument, PUBLIC_USER_FIELDS, toUserDocument, type UserDocument, USERS_COLLECTION } from './user.document';

const DUPLICATE_KEY = 11000;

const SORT_FIELD: Record<UserListQuery['sortBy'], string> = { createdAt: 'createdAt', name: 'nameLower', email: 'email', age: 'age' };

export class MongoUserRepository implements UserRepository {
  private readonly users: Collection<UserDocument>;

  constructor(database: MongoDatabase) {
    this.users = database.db.collection<UserDocument>(USERS_COLLECTION);
  }

  /** Idempotent; run at start-up before the API takes traffic. */
  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.users, [
      { key: { email: 1 }, name: 'email_unique', unique: true },
      { key: { roleIds: 1 }, name: 'roles' },
      { key: { status: 1, createdAt: -1 }, name: 'status_createdAt' },
      { key: { nameLower: 1 }, name: 'name_prefix' },
    ]);
  }

  async findById(id: UserId): Promise<User | null> {
    const doc = await this.users.findOne({ _id: new ObjectId(id) }, { projection: PUBLIC_USER_FIELDS });
    return doc ? fromUserDocument(doc) : null;
  }

  /**
   * Asks for up to two (the unique index holds one at most), so a present address costs what an
   * absent one does on every server: FerretDB v1 filters without its index and stops at the
   * first match, which made an address early in the collection answer faster than a missing one
   * (a timing oracle for "forgot password"). On MongoDB the unique index answers either at once.
   */
  async findByEmail(email: Email): Promise<User | null> {
    const [doc] = await this.users.find({ email: emailKey(email) }, { projection: PUBLIC_USER_FIELDS }).limit(2).toArray();
    return doc ? fromUserDocument(doc) : null;
  }

  async insert(user: User, passwordHash?: string): Promise<InsertUserResult> {
    const doc = toUserDocument(user);
    if (passwordHash !== undefined) {
      doc.passwordHash = passwordHash;
      doc.passwordHistory = [{ hash: passwordHash, changedAt: user.createdAt }];
    }
    try {
      await this.users.insertOne(doc);
      return 'inserted';
    } catch (err) {
      if (isDuplicateKey(err)) return 'email-taken';
      throw err;
    }
  }

  async update(user: User, tx?: Tx): Promise<UpdateUserResult> {
    const { _id, createdAt: _createdAt, ...fields } = toUserDocument(user);
    const session = inTransaction(tx);
    try {
      const result = await this.users.updateOne({ _id, version: user.version - 1 }, { $set: fields }, session);
      if (result.matchedCount === 1) return 'updated';
    } catch (err) {
      if (isDuplicateKey(err)) return 'email-taken';
      throw err;
    }
    // Nothing matched: either the user is gone or someone else wrote first.
    const exists = await this.users.countDocuments({ _id }, { limit: 1, ...session });
    return exists === 0 ? 'not-found' : 'version-conflict';
  }

  async list(query: UserListQuery): Promise<{ items: User[]; total: number }> {
    const filter: Filter<UserDocument> = { isDeleted: false };
    if (query.status) filter.status = query.status;
    if (query.search) {
      // Anchored and escaped: the input is matched literally, as a prefix, on normalised fields.
      const prefix = new RegExp(`^${escapeRegex(query.search.normalize('NFC').toLowerCase())}`);
      filter.$or = [{ nameLower: prefix }, { email: prefix }];
    }
    const direction = query.sortOrder === 'asc' ? 1 : -1;
    const sort: Sort = { [SORT_FIELD[query.sortBy]]: direction, _id: direction };
    const [docs, total] = await Promise.all([
      this.users
        .find(filter, { projection: PUBLIC_USER_FIELDS })
        .sort(sort)
        .skip((query.page - 1) * query.limit)
        .limit(query.limit)
        .toArray(),
      this.users.countDocuments(filter),
    ]);
    return { items: docs.map(fromUserDocument), total };
  }

  async findCredentials(email: Email): Promise<{ user: User; passwordHash: string } | null> {
    const doc = await this.users.findOne({ email: emailKey(email) }, { projection: { passwordHistory: 0 } });
    if (!doc || typeof doc.passwordHash !== 'string') return null;
    return { user: fromUserDocument(doc), passwordHash: doc.passwordHash };
  }

  async passwordHistory(id: UserId): Promise<PasswordHistoryEntry[]> {
    const doc = await this.users.findOne({ _id: new ObjectId(id) }, { projection: { passwordHistory: 1 } });
    return (doc?.passwordHistory ?? []).map((h) => ({ hash: h.hash, changedAt: h.changedAt }));
  }

  async setPassword(id: UserId, history: readonly PasswordHistoryEntry[]): Promise<void> {
    const current = history[0];
    if (!current) throw new Error('setPassword needs the new hash first in the history');
    await this.users.updateOne(
      { _id: new ObjectId(id) },
      { $set: { passwordHash: current.hash, passwordHistory: history.map((h) => ({ hash: h.hash, changedAt: h.changedAt })) } },
    );
  }

  async markEmailVerified(id: UserId, email: Email, at: Date): Promise<User | null> {
    const mine = { _id: new ObjectId(id), email: emailKey(email), isDeleted: false };
    // One conditional update, then a read (FerretDB v1's findAndModify takes no projection).
    await this.users.updateOne({ ...mine, emailVerified: { $ne: true } }, { $set: { emailVerified: true, emailVerifiedAt: at, updatedAt: at }, $inc: { version: 1 } });
    const doc = await this.users.findOne({ ...mine, emailVerified: true }, { projection: PUBLIC_USER_FIELDS });
    return doc ? fromUserDocument(doc) : null;
  }

  async countWithRole(roleId: string): Promise<number> {
    return this.users.countDocuments({ roleIds: new ObjectId(roleId), isDeleted: false });
  }

  async countActiveWithAnyRole(roleIds: readonly string[], exceptUserId?: string): Promise<number> {
    if (roleIds.length === 0) return 0;
    const filter: Filter<UserDocument> = { roleIds: { $in: roleIds.map((r) => new ObjectId(r)) }, isDeleted: false, status: 'active' };
    if (exceptUserId !== undefined) filter._id = { $ne: new ObjectId(exceptUserId) };
    return this.users.countDocuments(filter);
  }

  /**
   * Grouped here rather than with `$lookup`/`$group`: FerretDB v1 has neither `$push` nor
   * `$avg`, and the result holds every member's name and e-mail anyway.
   */
  async membersByRole(): Promise<RoleMembers[]> {
    const groups = new Map<string, { totalUsers: number; ageSum: number; ageCount: number; users: { name: string; email: string }[] }>();
    const cursor = this.users.find({ isDeleted: false }, { projection: { name: 1, email: 1, age: 1, roleIds: 1 } });
    for await (const u of cursor) {
      for (const roleOid of u.roleIds ?? []) {
        const roleId = roleOid.toHexString();
        const g = groups.get(roleId) ?? { totalUsers: 0, ageSum: 0, ageCount: 0, users: [] };
        g.totalUsers += 1;
        if (typeof u.age === 'number') {
          g.ageSum += u.age;
          g.ageCount += 1;
        }
        g.users.push({ name: u.name, email: u.email });
        groups.set(roleId, g);
      }
    }
    return [...groups.entries()].map(([roleId, g]) => ({ roleId, ...g }));
  }

  async *streamVisible(): AsyncIterable<User> {
    const cursor = this.users.find({ isDeleted: false }, { projection: PUBLIC_USER_FIELDS, batchSize: 500 }).sort({ _id: 1 });
    try {
      for await (const doc of cursor) yield fromUserDocument(doc);
    } finally {
      await cursor.close();
    }
  }
}

export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * MongoDB reports a unique-index clash as E11000. FerretDB v1 does so for inserts but answers an
 * update that clashes with InternalError (code 1) carrying SQLite's message, so we accept both.
 */
export const isDuplicateKey = (err: unknown): boolean =>
  err instanceof MongoServerError && (err.code === DUPLICATE_KEY || (err.code === 1 && /UNIQUE constraint failed/.test(err.message)));
