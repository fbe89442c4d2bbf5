import { expect } from 'chai';
import { MongoApiKeyRepository } from '../../../src/adapters/mongo/mongo-api-key-repository';
import { MongoAuditLog } from '../../../src/adapters/mongo/mongo-audit-log';
import { MongoRefreshTokenStore } from '../../../src/adapters/mongo/mongo-refresh-token-store';
import { MongoRoleRepository } from '../../../src/adapters/mongo/mongo-role-repository';
import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { MongoUserRepository } from '../../../src/adapters/mongo/mongo-user-repository';
import { USERS_COLLECTION } from '../../../src/adapters/mongo/user.document';
import { apiKeyRepositoryContract, auditLogContract, refreshTokenStoreContract, roleRepositoryContract } from '../../contract/access.contract';
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
    expect(names).to.include.members(['email_unique', 'roles', 'status_createdAt', 'name_prefix']);
  });

  it('reports a clear error for a server that is not there', async () => {
    const error = await MongoDatabase.connect({ url: 'mongodb://127.0.0.1:1/?directConnection=true', connectTimeoutMs: 300 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/^cannot reach MongoDB at mongodb:\/\/127\.0\.0\.1:1/);
  });
});
