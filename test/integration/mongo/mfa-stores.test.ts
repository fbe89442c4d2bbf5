import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { MFA_CHALLENGE_SPENDS_COLLECTION, MFA_CHALLENGES_COLLECTION, MongoMfaChallengeStore } from '../../../src/adapters/mongo/mongo-mfa-challenge-store';
import { MFA_CLAIMS_COLLECTION, MFA_COLLECTION, MongoMfaStore } from '../../../src/adapters/mongo/mongo-mfa-store';
import { mfaChallengeStoreContract, mfaStoreContract } from '../../contract/mfa.contract';
import { requireService, uniqueDbName } from '../../support/services';

describe('MongoDB :: MFA stores', function () {
  let database: MongoDatabase;

  before(async function () {
    this.timeout(120_000);
    database = await MongoDatabase.connect({ url: await requireService(this, 'mongodb'), dbName: uniqueDbName('nexus_mfa') });
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  mfaStoreContract('MongoMfaStore', async () => {
    for (const name of [MFA_COLLECTION, MFA_CLAIMS_COLLECTION]) await database.db.collection(name).deleteMany({});
    const store = new MongoMfaStore(database);
    await store.ensureIndexes();
    return store;
  });

  mfaChallengeStoreContract('MongoMfaChallengeStore', async () => {
    for (const name of [MFA_CHALLENGES_COLLECTION, MFA_CHALLENGE_SPENDS_COLLECTION]) await database.db.collection(name).deleteMany({});
    const store = new MongoMfaChallengeStore(database);
    await store.ensureIndexes();
    return store;
  });
});
