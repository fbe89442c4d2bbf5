import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { MongoOutboxStore, OUTBOX_COLLECTION } from '../../../src/adapters/mongo/mongo-outbox-store';
import { outboxStoreContract } from '../../contract/outbox.contract';
import { requireService, uniqueDbName } from '../../support/services';

describe('MongoDB :: outbox', function () {
  let database: MongoDatabase;

  before(async function () {
    this.timeout(120_000);
    const url = await requireService(this, 'mongodb');
    database = await MongoDatabase.connect({ url, dbName: uniqueDbName('nexus_outbox') });
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  outboxStoreContract('MongoOutboxStore', async () => {
    await database.db.collection(OUTBOX_COLLECTION).deleteMany({});
    const store = new MongoOutboxStore(database);
    await store.ensureIndexes();
    return store;
  });
});
