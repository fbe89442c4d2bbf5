import { type Collection, type Filter, MongoServerError, ObjectId, type Sort } from 'mongodb';
import type { Tx } from '../../application/ports/unit-of-work.port';
import {
  type InsertUserResult,
  type RoleMembers,
  type UpdateUserResult,
  type UserListPage,
  type UserListPosition,
  type UserListQuery,
  type UserRepository,
  userSortKey,
} from '../../application/ports/user-repository.port';
import type { PasswordHistoryEntry } from '../../domain/auth/password-policy';
import { type Email, emailKey } from '../../domain/users/email';
import type { User, UserId } from '../../domain/users/user';
import { ensureDeclaredIndexes } from './indexes';
import { inTransaction, type MongoDatabase } from './mongo-database';
import { fromUserDocument, PUBLIC_USER_FIELDS, toUserDocument, type UserDocument, USERS_COLLECTION } from './user.document';

const DUPLICATE_KEY = 11000;

const SORT_FIELD = { createdAt: 'createdAt', name: 'nameLower', email: 'email', age: 'age' } as const satisfies Record<UserListQuery['sortBy'], keyof UserDocument>;

/** The list's indexes (declared with the others in ./indexes). */
export { USER_LIST_INDEXES } from './indexes';

/** How long a version claim may be held before another writer takes it over (its holder died). */
const VERSION_CLAIM_MS = 15_000;

export class MongoUserRepository implements UserRepository {
  private readonly users: Collection<UserDocument>;
  /** Where writers claim a user's next version where conditional updates are not atomic. */
  private readonly versionClaims: Collection<{ _id: string; at: Date }>;

  constructor(private readonly database: MongoDatabase) {
    this.users = database.db.collection<UserDocument>(USERS_COLLECTION);
    this.versionClaims = database.db.collection<{ _id: string; at: Date }>(`${USERS_COLLECTION}_version_claims`);
  }

  /** Idempotent; run at start-up before the API takes traffic. */
  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.users, 'users');
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
    if (this.database.atomicConditionalUpdates) return this.write(user, tx);
    // FerretDB v1: claim the version first, so one writer per version gets to the conditional
    // update (which there reads, then writes, and would let several through).
    const claim = await this.claimVersion(user);
    if (claim === null) return (await this.users.countDocuments({ _id: new ObjectId(user.id) }, { limit: 1 })) === 0 ? 'not-found' : 'version-conflict';
    try {
      return await this.write(user, tx);
    } finally {
      // Once written, the stored version is past this claim and no writer can use it again; if
      // not, freeing it lets the next writer of this version try.
      // Unfreed (the database went away), it is taken over after VERSION_CLAIM_MS.
      await this.versionClaims.deleteOne({ _id: claim }).catch(() => undefined);
    }
  }

  /** The optimistic write: the stored version must be the one `user` was read at. */
  private async write(user: User, tx?: Tx): Promise<UpdateUserResult> {
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

  /**
   * Inserts `<id>#<version>`: a unique `_id` insert is atomic on every MongoDB-wire server, so of
   * writers racing for one version exactly one gets it (null for the others). A claim whose
   * holder died before freeing it is taken over after VERSION_CLAIM_MS.
   */
  private async claimVersion(user: User): Promise<string | null> {
    const claim = `${user.id}#${user.version}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.versionClaims.insertOne({ _id: claim, at: new Date() });
        return claim;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const held = await this.versionClaims.findOne({ _id: claim });
      if (held && Date.now() - held.at.getTime() < VERSION_CLAIM_MS) return null;
      if (held) await this.versionClaims.deleteOne({ _id: claim, at: held.at });
    }
    return null;
  }

  /**
   * One `find` for the page and, only when a total is asked for, one `count` with the same
   * filter, in parallel: the same work as the plainest count plus find, and less when no total is
   * wanted. The `count` command rather than `countDocuments` (an aggregation): with a filter it is
   * exact (also on sharded clusters since MongoDB 4.0), it counts off the index where it can, and
   * on FerretDB it costs about half. A keyset page (`after`) seeks to its place instead of skipping.
   */
  async list(query: UserListQuery): Promise<UserListPage> {
    const filter: Filter<UserDocument> = { isDeleted: false };
    if (query.status) filter.status = query.status;
    const and: Filter<UserDocument>[] = [];
    if (query.search) {
      // Anchored and escaped: the input is matched literally, as a prefix, on normalised fields.
      const prefix = new RegExp(`^${escapeRegex(query.search.normalize('NFC').toLowerCase())}`);
      and.push({ $or: [{ nameLower: prefix }, { email: prefix }] });
    }
    if ('after' in query.from) and.push(keysetAfter(SORT_FIELD[query.sortBy], query.sortOrder, query.from.after));
    if (and.length === 1) Object.assign(filter, and[0]);
    else if (and.length > 1) filter.$and = and;

    const direction = query.sortOrder === 'asc' ? 1 : -1;
    const sort: Sort = { [SORT_FIELD[query.sortBy]]: direction, _id: direction };
    const offset = 'page' in query.from ? (query.from.page - 1) * query.limit : 0;
    // With a total, whether more follow is known from it; otherwise one more document says so.
    const countedPages = 'page' in query.from && query.withTotal;
    const page = this.users
      .find(filter, { projection: PUBLIC_USER_FIELDS, sort, limit: countedPages ? query.limit : query.limit + 1, ...(offset > 0 ? { skip: offset } : {}) })
      .toArray();
    const [docs, total] = await Promise.all([page, query.withTotal ? this.count(filter) : null]);
    const items = docs.slice(0, query.limit).map(fromUserDocument);
    const more = countedPages ? offset + query.limit < total! : docs.length > query.limit;
    const last = items[items.length - 1];
    return { items, total, next: more && last ? { key: userSortKey(last, query.sortBy), id: last.id } : null };
  }

  private async count(filter: Filter<UserDocument>): Promise<number> {
    const answer = await this.database.db.command({ count: USERS_COLLECTION, query: filter });
    return Number(answer['n']);
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

/**
 * Users strictly after `at` in the order (`field`, `_id`), both ascending or both descending. The
 * bound on `field` alone comes first, so an index on (`field`, `_id`) is scanned from `at` on;
 * the `$or` settles ties on `_id`. A null age sorts before every number (as MongoDB sorts it),
 * and no range on a number reaches a null, so those bounds are spelled out.
 */
export const keysetAfter = (field: string, order: 'asc' | 'desc', at: UserListPosition): Filter<UserDocument> => {
  const id = new ObjectId(at.id);
  const key = field === 'createdAt' ? new Date(at.key as number) : at.key;
  const [beyond, beyondOrEqual, idBeyond] = order === 'asc' ? (['$gt', '$gte', { $gt: id }] as const) : (['$lt', '$lte', { $lt: id }] as const);
  if (key === null) {
    // Ascending: the remaining nulls, then every number. Descending: nulls come last.
    return order === 'asc' ? { $or: [{ [field]: null, _id: idBeyond }, { [field]: { $ne: null } }] } : { [field]: null, _id: idBeyond };
  }
  const after: Filter<UserDocument> = { [field]: { [beyondOrEqual]: key }, $or: [{ [field]: { [beyond]: key } }, { _id: idBeyond }] };
  return order === 'desc' && field === 'age' ? { $or: [after, { [field]: null }] } : after;
};

export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * MongoDB reports a unique-index clash as E11000. FerretDB v1 does so for inserts but answers an
 * update that clashes with InternalError (code 1) carrying SQLite's message, so we accept both.
 */
export const isDuplicateKey = (err: unknown): boolean =>
  err instanceof MongoServerError && (err.code === DUPLICATE_KEY || (err.code === 1 && /UNIQUE constraint failed/.test(err.message)));
