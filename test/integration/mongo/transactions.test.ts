import { expect } from 'chai';
import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { MongoAuditLog } from '../../../src/adapters/mongo/mongo-audit-log';
import { MongoUnitOfWork } from '../../../src/adapters/mongo/mongo-unit-of-work';
import { requireService, uniqueDbName } from '../../support/services';

describe('MongoDB :: unit of work', function () {
  let database: MongoDatabase;

  before(async function () {
    this.timeout(120_000);
    const url = await requireService(this, 'mongodb');
    database = await MongoDatabase.connect({ url, dbName: uniqueDbName('nexus_tx') });
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  it('says whether it is atomic from what the server answered to hello', async () => {
    const hello = await database.db.admin().command({ hello: 1 });
    const replicated = typeof hello['setName'] === 'string' || hello['msg'] === 'isdbgrid';
    expect(new MongoUnitOfWork(database).atomic).to.equal(replicated);
  });

  it('without transactions, runs the work directly and passes no session', async () => {
    if (database.supportsTransactions) return; // the next test covers this server
    let given: unknown = 'unset';
    const result = await new MongoUnitOfWork(database).run(async (tx) => {
      given = tx;
      return 42;
    });
    expect(result).to.equal(42);
    expect(given).to.equal(undefined);
  });

  it('rolls back every write of a failed unit of work (needs a replica set: testcontainers or MONGO_URL)', async function () {
    if (!database.supportsTransactions) {
      // FerretDB v1 and standalone servers have no transactions; the adapter never opens one there.
      this.skip();
    }
    const log = new MongoAuditLog(database);
    await database.db.createCollection('audit_log').catch(() => undefined);
    const entry = { id: '0123456789abcdef01234567', actorId: null, action: 'role.created' as const, target: { type: 'role', id: null }, requestId: null, at: new Date() };
    await new MongoUnitOfWork(database)
      .run(async (tx) => {
        await log.append(entry, tx);
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect((await log.list({ page: 1, limit: 10 })).total).to.equal(0);
  });
});
