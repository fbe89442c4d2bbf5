import { expect } from 'chai';
import { MongoApiKeyRepository } from '../../../src/adapters/mongo/mongo-api-key-repository';
import { MongoAuditLog } from '../../../src/adapters/mongo/mongo-audit-log';
import { MongoRefreshTokenStore } from '../../../src/adapters/mongo/mongo-refresh-token-store';
import { MongoRoleRepository } from '../../../src/adapters/mongo/mongo-role-repository';
import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { MongoUserRepository, USER_LIST_INDEXES } from '../../../src/adapters/mongo/mongo-user-repository';
import { USERS_COLLECTION } from '../../../src/adapters/mongo/user.document';
import { apiKeyRepositoryContract, auditLogContract, roleRepositoryContract } from '../../contract/access.contract';
import { refreshTokenStoreContract } from '../../contract/refresh-token-store.contract';
import { userRepositoryContract } from '../../contract/user-repository.contract';
import { aUser } from '../../support/builders/user.builder';
import { requireService, uniqueDbName } from '../../support/services';

describe('MongoDB :: users and access', function () {
  let url: string;
  let database: MongoDatabase;

  before(async function () {
    this.timeout(120_000);
    url = await requireService(this, 'mongodb');
    database = await MongoDatabase.connect({ url, dbName: uniqueDbName('nexus_users') });
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  userRepositoryContract('MongoUserRepository', async () => {
    await database.db.collection(USERS_COLLECTION).deleteMany({});
    const repository = new MongoUserRepository(database);
    await repository.ensureIndexes();
    return { repository };
  });

  const fresh = async <T extends { ensureIndexes(): Promise<void> }>(collection: string, make: () => T): Promise<T> => {
    await database.db.collection(collection).deleteMany({});
    const adapter = make();
    await adapter.ensureIndexes();
    return adapter;
  };
  roleRepositoryContract('MongoRoleRepository', () => fresh('roles', () => new MongoRoleRepository(database)));
  refreshTokenStoreContract('MongoRefreshTokenStore', () => fresh('refresh_tokens', () => new MongoRefreshTokenStore(database)));
  apiKeyRepositoryContract('MongoApiKeyRepository', () => fresh('api_keys', () => new MongoApiKeyRepository(database)));
  auditLogContract('MongoAuditLog', () => fresh('audit_log', () => new MongoAuditLog(database)));

  it('never returns the password hash it stores', async () => {
    const repository = new MongoUserRepository(database);
    const user = aUser();
    await repository.insert(user);
    await database.db.collection(USERS_COLLECTION).updateOne({ email: user.email }, { $set: { passwordHash: '$argon2id$secret' } });
    const read = await repository.findById(user.id);
    expect(read).to.not.have.property('passwordHash');
    expect(JSON.stringify(await repository.findByEmail(user.email))).to.not.include('argon2id');
  });

  it('reads a user stored before e-mail verification existed as unverified', async () => {
    const repository = new MongoUserRepository(database);
    const user = aUser();
    await repository.insert(user);
    await database.db.collection(USERS_COLLECTION).updateOne({ email: user.email }, { $unset: { emailVerified: '', emailVerifiedAt: '' } });
    expect(await repository.findById(user.id)).to.deep.equal({ ...user, emailVerified: false, emailVerifiedAt: null });
    expect((await repository.markEmailVerified(user.id, user.email, new Date('2026-03-01T00:00:00Z')))?.emailVerified).to.equal(true);
  });

  it('creates its indexes idempotently', async () => {
    const repository = new MongoUserRepository(database);
    await repository.ensureIndexes();
    await repository.ensureIndexes();
    const names = (await database.db.collection(USERS_COLLECTION).indexes()).map((i) => i.name);
    expect(names).to.include.members(['email_unique', 'role_members', ...USER_LIST_INDEXES.map((i) => i.name)]);
  });

  it('drops the list indexes an earlier version made, once, and keeps its data', async () => {
    const users = database.db.collection(USERS_COLLECTION);
    await users.drop().catch(() => undefined);
    await users.createIndexes([
      { key: { status: 1, createdAt: -1 }, name: 'status_createdAt' },
      { key: { nameLower: 1 }, name: 'name_prefix' },
    ]);
    const repository = new MongoUserRepository(database);
    const user = aUser();
    await repository.insert(user);
    await repository.ensureIndexes();
    await repository.ensureIndexes();
    const names = (await users.indexes()).map((i) => i.name);
    expect(names.filter((n) => n === 'status_createdAt' || n === 'name_prefix')).to.deep.equal([]);
    expect(names).to.include.members(USER_LIST_INDEXES.map((i) => i.name));
    expect((await repository.findById(user.id))?.email).to.equal(user.email);
  });

  it('claims a version before writing where conditional updates are not atomic, and takes over a claim its holder left', async () => {
    const repository = new MongoUserRepository(database);
    const claims = database.db.collection<{ _id: string; at: Date }>(`${USERS_COLLECTION}_version_claims`);
    const user = aUser();
    await repository.insert(user);
    if (database.atomicConditionalUpdates) {
      // MongoDB checks the version and writes in one step: no claim is needed, none is made.
      expect(await repository.update({ ...user, name: 'Direct', version: 2 })).to.equal('updated');
      expect(await claims.countDocuments({ _id: `${user.id}#2` })).to.equal(0);
      return;
    }
    // A writer holds version 2 right now: another writer of version 2 is refused.
    await claims.insertOne({ _id: `${user.id}#2`, at: new Date() });
    expect(await repository.update({ ...user, name: 'Blocked', version: 2 })).to.equal('version-conflict');
    // Its holder died 20 s ago: the claim is taken over, the write goes through, the claim is freed.
    await claims.updateOne({ _id: `${user.id}#2` }, { $set: { at: new Date(Date.now() - 20_000) } });
    expect(await repository.update({ ...user, name: 'Taken Over', version: 2 })).to.equal('updated');
    expect((await repository.findById(user.id))?.name).to.equal('Taken Over');
    expect(await claims.countDocuments({ _id: { $regex: `^${user.id}#` } })).to.equal(0);
    // A failed write frees its claim too: the next writer of that version is not blocked.
    const other = aUser();
    await repository.insert(other);
    expect(await repository.update({ ...other, email: user.email, version: 2 })).to.equal('email-taken');
    expect(await repository.update({ ...other, name: 'Next', version: 2 })).to.equal('updated');
  });

  it('indexes the audit trail for each filter with its whole sort (at, _id), replacing the indexes without _id', async () => {
    const entries = database.db.collection('audit_log');
    await entries.drop().catch(() => undefined);
    await entries.createIndexes([{ key: { actorId: 1, at: -1 }, name: 'actor_at' }, { key: { at: -1 }, name: 'at' }]);
    const log = new MongoAuditLog(database);
    await log.ensureIndexes();
    await log.ensureIndexes();
    const indexes = await entries.indexes();
    expect(indexes.map((i) => i.name)).to.have.members(['_id_', 'actor_at_id', 'action_at_id', 'at_id']);
    for (const index of indexes.filter((i) => i.name !== '_id_')) expect(Object.keys(index.key).slice(-2)).to.deep.equal(['at', '_id']);
  });

  it('reports a clear error for a server that is not there', async () => {
    const error = await MongoDatabase.connect({ url: 'mongodb://127.0.0.1:1/?directConnection=true', connectTimeoutMs: 300 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/^cannot reach MongoDB at mongodb:\/\/127\.0\.0\.1:1/);
  });
});
