import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { MongoLeases } from '../../../src/adapters/mongo/mongo-leases';
import { MongoUserRepository } from '../../../src/adapters/mongo/mongo-user-repository';
import { USERS_COLLECTION } from '../../../src/adapters/mongo/user.document';
import { leasesContract, roleHoldersContract } from '../../contract/leases.contract';
import { requireService, uniqueDbName } from '../../support/services';

describe('MongoDB :: leases and role holders', function () {
  let database: MongoDatabase;

  before(async function () {
    this.timeout(120_000);
    database = await MongoDatabase.connect({ url: await requireService(this, 'mongodb'), dbName: uniqueDbName('nexus_leases') });
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  leasesContract('MongoLeases', async (clock) => {
    await database.db.collection('leases').deleteMany({});
    const leases = new MongoLeases(database, clock.now);
    await leases.ensureIndexes();
    return leases;
  });

  roleHoldersContract('MongoUserRepository', async () => {
    await database.db.collection(USERS_COLLECTION).deleteMany({});
    const users = new MongoUserRepository(database);
    await users.ensureIndexes();
    return users;
  });
});
