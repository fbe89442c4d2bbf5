import { injectable } from 'inversify';
import { type Collection, MongoServerError, ObjectId } from 'mongodb';
import type { InsertUserResult, UpdateUserResult, UserRepository } from '../../application/ports/user-repository.port';
import type { Email } from '../../domain/users/email';
import type { User, UserId } from '../../domain/users/user';
import { ensureIndexes, type MongoDatabase } from './mongo-database';
import { fromUserDocument, PUBLIC_USER_FIELDS, toUserDocument, type UserDocument, USERS_COLLECTION } from './user.document';

const DUPLICATE_KEY = 11000;

@injectable()
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
    ]);
  }

  async findById(id: UserId): Promise<User | null> {
    const doc = await this.users.findOne({ _id: new ObjectId(id) }, { projection: PUBLIC_USER_FIELDS });
    return doc ? fromUserDocument(doc) : null;
  }

  async findByEmail(email: Email): Promise<User | null> {
    const doc = await this.users.findOne({ email: email.toLowerCase() }, { projection: PUBLIC_USER_FIELDS });
    return doc ? fromUserDocument(doc) : null;
  }

  async insert(user: User): Promise<InsertUserResult> {
    try {
      await this.users.insertOne(toUserDocument(user));
      return 'inserted';
    } catch (err) {
      if (isDuplicateKey(err)) return 'email-taken';
      throw err;
    }
  }

  async update(user: User): Promise<UpdateUserResult> {
    const { _id, createdAt: _createdAt, ...fields } = toUserDocument(user);
    try {
      const result = await this.users.updateOne({ _id, version: user.version - 1 }, { $set: fields });
      if (result.matchedCount === 1) return 'updated';
    } catch (err) {
      if (isDuplicateKey(err)) return 'email-taken';
      throw err;
    }
    // Nothing matched: either the user is gone or someone else wrote first.
    const exists = await this.users.countDocuments({ _id }, { limit: 1 });
    return exists === 0 ? 'not-found' : 'version-conflict';
  }
}

/**
 * MongoDB reports a unique-index clash as E11000. FerretDB v1 does so for inserts but answers an
 * update that clashes with InternalError (code 1) carrying SQLite's message, so we accept both.
 */
export const isDuplicateKey = (err: unknown): boolean =>
  err instanceof MongoServerError && (err.code === DUPLICATE_KEY || (err.code === 1 && /UNIQUE constraint failed/.test(err.message)));
