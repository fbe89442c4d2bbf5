import { expect } from 'chai';
import type { CommandStartedEvent, CommandSucceededEvent, Document, Filter, Sort } from 'mongodb';
import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { escapeRegex, MongoUserRepository } from '../../../src/adapters/mongo/mongo-user-repository';
import { type UserDocument, USERS_COLLECTION } from '../../../src/adapters/mongo/user.document';
import type { UserListQuery } from '../../../src/application/ports/user-repository.port';
import { listQuery } from '../../contract/user-repository.contract';
import { seedManyUsers } from '../../support/builders/many-users';
import { requireService, uniqueDbName } from '../../support/services';

interface Sent {
  readonly name: string;
  readonly command: Document;
  /** Documents the server returned (a find's first batch), when it answered. */
  returned?: number;
}

const SORT_FIELD = { createdAt: 'createdAt', name: 'nameLower', email: 'email', age: 'age' } as const;

/**
 * The production adapter on 10,000 users, against the plainest correct listing (a
 * `countDocuments` and a `find().sort().skip().limit()` with the same filter, in parallel): the
 * same pages, and never more database work. FerretDB's `explain` says nothing about documents
 * examined (it scans and sorts in its own process whatever the query), so what is asserted is
 * what the adapter sends: how many commands, with which filter, skip and limit, and how many
 * documents came back. On real MongoDB the planner's own counts are checked as well.
 */
describe('MongoUserRepository :: lists of 10,000 users (production adapter)', function () {
  this.timeout(600_000);
  let database: MongoDatabase;
  let repository: MongoUserRepository;
  let sent: Sent[] = [];
  let visible: number;
  let isFerret: boolean;

  before(async function () {
    this.timeout(600_000);
    const url = await requireService(this, 'mongodb');
    const dbName = uniqueDbName('nexus_scale');
    database = await MongoDatabase.connect({ url: `${url}${url.includes('?') ? '&' : '?'}monitorCommands=true`, dbName });
    repository = new MongoUserRepository(database);
    await repository.ensureIndexes();
    const byRequest = new Map<number, Sent>();
    database.client.on('commandStarted', (e: CommandStartedEvent) => {
      if (e.databaseName !== dbName || !['find', 'count', 'aggregate', 'getMore'].includes(e.commandName)) return;
      const entry: Sent = { name: e.commandName, command: e.command };
      byRequest.set(e.requestId, entry);
      sent.push(entry);
    });
    database.client.on('commandSucceeded', (e: CommandSucceededEvent) => {
      const entry = byRequest.get(e.requestId);
      const batch = (e.reply as { cursor?: { firstBatch?: unknown[] } }).cursor?.firstBatch;
      if (entry && batch) entry.returned = batch.length;
    });
    const users = await seedManyUsers(repository, 10_000);
    visible = users.filter((u) => !u.isDeleted).length;
    isFerret = typeof (await database.db.admin().command({ buildInfo: 1 }))['ferretdbVersion'] === 'string';
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  const watch = async <T>(work: () => Promise<T>): Promise<{ result: T; sent: Sent[] }> => {
    const mine: Sent[] = [];
    sent = mine;
    const result = await work();
    sent = [];
    return { result, sent: mine };
  };

  /** The plainest correct listing, written out as anyone would. */
  const simplest = async (q: UserListQuery & { from: { page: number } }) => {
    const users = database.db.collection<UserDocument>(USERS_COLLECTION);
    const filter: Filter<UserDocument> = { isDeleted: false };
    if (q.status) filter.status = q.status;
    if (q.search) {
      const prefix = new RegExp(`^${escapeRegex(q.search.toLowerCase())}`);
      filter.$or = [{ nameLower: prefix }, { email: prefix }];
    }
    const dir = q.sortOrder === 'asc' ? 1 : -1;
    const sort: Sort = { [SORT_FIELD[q.sortBy]]: dir, _id: dir };
    const [total, docs] = await Promise.all([
      users.countDocuments(filter),
      users.find(filter).sort(sort).skip((q.from.page - 1) * q.limit).limit(q.limit).toArray(),
    ]);
    return { total, ids: docs.map((d) => d._id.toHexString()) };
  };

  it('answers pages by number exactly as the plainest count and find do, with no more commands or documents', async () => {
    const cases = [
      listQuery({ limit: 20, sortOrder: 'desc' }),
      listQuery({ limit: 20, sortBy: 'name', status: 'suspended', page: 30 }),
      listQuery({ limit: 50, sortBy: 'age', sortOrder: 'desc', search: 'Person 01', page: 2 }),
    ] as (UserListQuery & { from: { page: number } })[];
    for (const q of cases) {
      const ours = await watch(() => repository.list(q));
      const plain = await watch(() => simplest(q));
      const label = JSON.stringify(q);
      expect({ ids: ours.result.items.map((u) => u.id), total: ours.result.total }, label).to.deep.equal(plain.result);
      expect(ours.sent.map((s) => s.name).sort(), label).to.deep.equal(['count', 'find']);
      expect(plain.sent.map((s) => s.name).sort(), label).to.deep.equal(['aggregate', 'find']);
      const [ourFind, plainFind] = [ours.sent, plain.sent].map((s) => s.find((c) => c.name === 'find')!.command);
      for (const field of ['filter', 'sort', 'limit']) expect(ourFind![field], `${label} ${field}`).to.deep.equal(plainFind![field]);
      expect(ourFind!['skip'] ?? 0, label).to.equal(plainFind!['skip'] ?? 0);
      expect(ours.sent.find((c) => c.name === 'count')!.command['query'], label).to.deep.equal(plainFind!['filter']);
      expect(ours.sent.find((c) => c.name === 'find')!.returned, label).to.equal(ours.result.items.length);
    }
  });

  it('sends one find and no count for a page without a total', async () => {
    const { sent: commands } = await watch(() => repository.list(listQuery({ limit: 20, page: 3, withTotal: false })));
    expect(commands.map((c) => c.name)).to.deep.equal(['find']);
    expect(commands[0]!.command).to.include({ skip: 40, limit: 21 });
  });

  it('costs the last page by cursor what the first costs: one find, no skip, no count, as many documents', async () => {
    const limit = 20;
    const lastPage = Math.ceil(visible / limit);
    const first = await watch(() => repository.list(listQuery({ limit, sortOrder: 'desc', withTotal: false })));
    const beforeLast = await repository.list(listQuery({ limit, sortOrder: 'desc', page: lastPage - 1, withTotal: false }));
    const last = await watch(() => repository.list(listQuery({ limit, sortOrder: 'desc', after: beforeLast.next!, withTotal: false })));
    const byNumber = await repository.list(listQuery({ limit, sortOrder: 'desc', page: lastPage }));

    expect(last.result.items.map((u) => u.id)).to.deep.equal(byNumber.items.map((u) => u.id));
    expect(last.result.next).to.equal(null);
    for (const { sent: commands } of [first, last]) {
      expect(commands.map((c) => c.name)).to.deep.equal(['find']);
      expect(commands[0]!.command['skip']).to.equal(undefined);
      expect(commands[0]!.command['limit']).to.equal(limit + 1);
      expect(Object.fromEntries(commands[0]!.command['sort'] as Map<string, number>)).to.deep.equal({ createdAt: -1, _id: -1 });
    }
    expect(last.sent[0]!.returned).to.be.at.most(first.sent[0]!.returned!);
    // The keyset bound: everything at or before the cursor's time, ties broken on _id.
    expect(last.sent[0]!.command['filter']).to.have.property('createdAt').that.has.property('$lte');

    if (isFerret) {
      // FerretDB v1 pushes no filter, sort or limit down to SQLite (its explain says so); both
      // pages read the collection once, which is also what page 1 costs there.
      const plan = await database.db.collection(USERS_COLLECTION).find(last.sent[0]!.command['filter'] as Document).sort({ createdAt: -1, _id: -1 }).limit(limit + 1).explain();
      expect(plan).to.include({ filterPushdown: false, sortPushdown: false, limitPushdown: false });
      return;
    }
    // Real MongoDB: the planner's count of documents it looked at.
    const examined = async (filter: Document, skip: number) => {
      const plan = await database.db.collection(USERS_COLLECTION).find(filter).sort({ createdAt: -1, _id: -1 }).skip(skip).limit(limit + 1).explain('executionStats');
      return (plan['executionStats'] as { totalDocsExamined: number }).totalDocsExamined;
    };
    const firstExamined = await examined(first.sent[0]!.command['filter'] as Document, 0);
    expect(await examined(last.sent[0]!.command['filter'] as Document, 0)).to.be.at.most(firstExamined);
    expect(firstExamined).to.be.at.most(limit + 1);
  });
});
