import { MongoAuditLog } from '../../../src/adapters/mongo/mongo-audit-log';
import { MongoUnitOfWork } from '../../../src/adapters/mongo/mongo-unit-of-work';
import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { unitOfWorkContract } from '../../contract/unit-of-work.contract';
import { requireService, uniqueDbName } from '../../support/services';

describe('MongoDB :: unit of work', function () {
  let database: MongoDatabase;
  let storeHasTransactions: boolean;

  before(async function () {
    this.timeout(120_000);
    const url = await requireService(this, 'mongodb');
    database = await MongoDatabase.connect({ url, dbName: uniqueDbName('nexus_tx') });
    // Asked here rather than of the adapter, so the contract can check what the adapter claims.
    const hello = await database.db.admin().command({ hello: 1 });
    storeHasTransactions = typeof hello['setName'] === 'string' || hello['msg'] === 'isdbgrid';
    if (!storeHasTransactions) {
      process.stderr.write(
        '\n  !!! NOTE: this MongoDB (FerretDB or a standalone server) has no transactions, so MongoUnitOfWork is not atomic here;\n' +
          '      the contract asserts that it says so and leaves a failed unit\'s writes. Rollback is asserted on a replica set (MONGO_URL or testcontainers).\n\n',
      );
    }
    // Transactions cannot create a collection on older servers: make it first.
    await database.db.createCollection('audit_log').catch(() => undefined);
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  unitOfWorkContract('MongoUnitOfWork', async () => ({ unitOfWork: new MongoUnitOfWork(database), storeHasTransactions, log: new MongoAuditLog(database) }));
});
