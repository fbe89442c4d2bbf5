import { expect } from 'chai';
import { ACCOUNT_TOKENS_COLLECTION, MongoAccountTokenStore } from '../../../src/adapters/mongo/mongo-account-token-store';
import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { accountTokenStoreContract } from '../../contract/account-token-store.contract';
import { requireService, uniqueDbName } from '../../support/services';

describe('MongoDB :: account tokens', function () {
  let database: MongoDatabase;

  before(async function () {
    this.timeout(120_000);
    const url = await requireService(this, 'mongodb');
    database = await MongoDatabase.connect({ url, dbName: uniqueDbName('nexus_account_tokens') });
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  accountTokenStoreContract('MongoAccountTokenStore', async () => {
    await database.db.collection(ACCOUNT_TOKENS_COLLECTION).deleteMany({});
    await database.db.collection(`${ACCOUNT_TOKENS_COLLECTION}_ends`).deleteMany({});
    const store = new MongoAccountTokenStore(database);
    await store.ensureIndexes();
    return store;
  });

  it('creates its indexes idempotently: a TTL index where the server has them, a plain one where it does not', async () => {
    const store = new MongoAccountTokenStore(database);
    await store.ensureIndexes();
    await store.ensureIndexes();
    const indexes = await database.db.collection(ACCOUNT_TOKENS_COLLECTION).indexes();
    expect(indexes.map((i) => i.name)).to.include('user_purpose');
    const purge = indexes.find((i) => i.name === (store.purgesByTtl ? 'purge_ttl' : 'purge_at'));
    expect(purge?.key).to.deep.equal({ purgeAt: 1 });
    if (store.purgesByTtl) expect(purge?.expireAfterSeconds).to.equal(0);
    // FerretDB v1 has no TTL indexes; real MongoDB (a replica set here) does.
    expect(store.purgesByTtl).to.equal(database.supportsTransactions);
  });

  it('stores the token only as its hash', async () => {
    const store = new MongoAccountTokenStore(database);
    const hash = 'a'.repeat(64);
    await store.issue({ purpose: 'password-reset', tokenHash: hash, userId: 'u1', email: 'x@example.com', createdAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
    const doc = await database.db.collection(ACCOUNT_TOKENS_COLLECTION).findOne({ userId: 'u1' });
    expect(Object.keys(doc ?? {}).sort()).to.deep.equal(['_id', 'createdAt', 'email', 'expiresAt', 'purgeAt', 'purpose', 'userId']);
    expect(doc?._id).to.equal(hash);
  });
});
