import { expect } from 'chai';
import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { MongoRefreshTokenStore } from '../../../src/adapters/mongo/mongo-refresh-token-store';
import { newId } from '../../support/builders/user.builder';
import { requireService, uniqueDbName } from '../../support/services';

describe('MongoDB :: refresh tokens and session records', function () {
  let database: MongoDatabase;

  before(async function () {
    this.timeout(120_000);
    database = await MongoDatabase.connect({ url: await requireService(this, 'mongodb'), dbName: uniqueDbName('nexus_sessions') });
  });
  after(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  it("creates, idempotently, the indexes that serve a session's and a user's queries", async () => {
    const store = new MongoRefreshTokenStore(database);
    await store.ensureIndexes();
    await store.ensureIndexes();
    const indexes = await database.db.collection('refresh_tokens').indexes();
    const byName = new Map(indexes.map((i) => [i.name, i.key]));
    expect(byName.get('token_hash_unique')).to.deep.equal({ tokenHash: 1 });
    expect(byName.get('family_revoked')).to.deep.equal({ familyId: 1, revokedAt: 1 });
    // Equality on the user and the two nulls, then the expiry range: a user's live tokens.
    expect(Object.entries(byName.get('user_live') ?? {})).to.deep.equal([['userId', 1], ['revokedAt', 1], ['spentAt', 1], ['expiresAt', 1]]);
  });

  it('keeps one record per session, by id, and never stores a token in it', async () => {
    const store = new MongoRefreshTokenStore(database);
    const userId = newId();
    const familyId = newId();
    const now = new Date('2026-06-01T12:00:00Z');
    await store.open({ id: familyId, userId, createdAt: now, lastUsedAt: now, userAgent: 'curl/8', ip: '192.0.2.4' });
    await store.insert({ id: newId(), userId, familyId, tokenHash: 'digest-of-the-token', createdAt: now, expiresAt: new Date(now.getTime() + 86_400_000), spentAt: null, revokedAt: null });
    const records = await database.db.collection('sessions').find({ userId }).toArray();
    expect(records).to.have.length(1);
    expect(records[0]).to.deep.equal({ _id: familyId, userId, createdAt: now, lastUsedAt: now, userAgent: 'curl/8', ip: '192.0.2.4' });
  });
});
