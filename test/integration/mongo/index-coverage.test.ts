import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import type { CommandStartedEvent, Document } from 'mongodb';
import { type CollectionName, INDEXES, type IndexKey, SHARD_KEYS } from '../../../src/adapters/mongo/indexes';
import { MongoAccountTokenStore } from '../../../src/adapters/mongo/mongo-account-token-store';
import { MongoApiKeyRepository } from '../../../src/adapters/mongo/mongo-api-key-repository';
import { MongoAuditLog } from '../../../src/adapters/mongo/mongo-audit-log';
import { MongoDatabase } from '../../../src/adapters/mongo/mongo-database';
import { MongoLeases } from '../../../src/adapters/mongo/mongo-leases';
import { MongoMfaChallengeStore } from '../../../src/adapters/mongo/mongo-mfa-challenge-store';
import { MongoMfaStore } from '../../../src/adapters/mongo/mongo-mfa-store';
import { MongoOutboxStore } from '../../../src/adapters/mongo/mongo-outbox-store';
import { MongoRefreshTokenStore } from '../../../src/adapters/mongo/mongo-refresh-token-store';
import { MongoRoleRepository } from '../../../src/adapters/mongo/mongo-role-repository';
import { MongoUserRepository } from '../../../src/adapters/mongo/mongo-user-repository';
import { apiKeyRepositoryContract, auditLogContract, roleRepositoryContract } from '../../contract/access.contract';
import { accountTokenStoreContract } from '../../contract/account-token-store.contract';
import { leasesContract, roleHoldersContract } from '../../contract/leases.contract';
import { mfaChallengeStoreContract, mfaStoreContract } from '../../contract/mfa.contract';
import { outboxStoreContract } from '../../contract/outbox.contract';
import { refreshTokenStoreContract } from '../../contract/refresh-token-store.contract';
import { userRepositoryContract } from '../../contract/user-repository.contract';
import { eventually } from '../../support/eventually';
import { linkToken } from '../../support/mail-links';
import { requireService, uniqueDbName } from '../../support/services';
import { startTestApp, type TestApp } from '../../support/test-app';

const RESET_PASSWORD = 'Quartz-Meadow-Lantern-47!';

/**
 * Every filter the MongoDB adapters send, checked against the indexes they declare
 * (src/adapters/mongo/indexes.ts). Nothing is listed by hand: the adapters' contract suites and a
 * production-profile flow over HTTP run with the driver's command monitoring on, every
 * find / count / aggregate $match / distinct / update / delete / findAndModify filter is
 * recorded, and each must be served by a declared index: its equality fields a prefix of the
 * index, then its sort, then its range field (a unique index bound on all its fields serves a
 * point lookup whatever else the filter says). A new query without its index fails here, naming
 * the collection, the filter's shape and the closest index.
 *
 * Then the sharding design (SHARD_KEYS, README "MongoDB at scale"): each query on a collection
 * that would be sharded carries the shard key, or is one of the scatter-gathers listed below
 * with the reason it may scatter.
 */

interface Recorded {
  readonly collection: string;
  readonly op: string;
  readonly filter: Document;
  readonly sort: Document | undefined;
  /** The test that was running when it was sent. */
  readonly origin: string;
}

/**
 * Filters the rule does not call served, each with why that is right: whole-collection work by
 * nature, or an equality or range left to filter the few documents an index prefix found.
 * `collection op {shape}` -> why. The test fails when one is no longer sent, too.
 */
const ACCEPTED: Readonly<Record<string, string>> = {
  'audit_log count {}':
    'the total of an unfiltered audit page counts the whole log (O(n) however indexed); a `since` bound on the route, or a page without a total, would remove it',
  'users find {isDeleted:eq} sort {_id}': 'the export streams every visible user in _id order: a full scan by design',
  'audit_log find {action:eq,actorId:eq} sort {at,_id}': 'both filters at once: actor_at_id reads the actor\'s entries newest first and filters the action (an admin route)',
  'audit_log count {action:eq,actorId:eq}': 'its total: the actor\'s entries, action filtered',
  'account_tokens find {expiresAt:range,purpose:eq,revokedAt:other,usedAt:other,userId:eq}': 'a user\'s open tokens of some purposes: user_purpose finds the few a user has (purged a day after expiry), the rest filters them',
  'api_keys update {ownerId:eq,revokedAt:eq}': 'revoking an owner\'s live keys: owner finds the owner\'s few keys',
  'mfa_challenges find {expiresAt:range,userId:eq}': 'a user\'s stale login challenges: user finds the few a user has (each new one deletes the stale)',
  'mfa_totp_claims delete {kind:eq,step:range,totpId:eq}': 'old step claims: totp_step bounds totpId and the step range; only step claims have a step, so `kind` filters nothing out',
  'refresh_tokens update {familyId:eq,revokedAt:eq,userId:eq}': 'revokeForUser: the user\'s live families (found by user_live just before), each read off family_revoked; userId only guards',
};

/**
 * Queries on a collection of SHARD_KEYS that do not carry its shard key, so they would go to
 * every shard: each matched by a pattern on `collection op {shape}`, with why that is acceptable
 * or what would target it. Anything else on those collections must carry the key.
 */
const SCATTERS: readonly { readonly match: RegExp; readonly why: string }[] = [
  // users, by hashed _id
  {
    match: /^users find \{email:eq\}$/,
    why: 'login, registration and "forgot password" find a user by e-mail: sharded, that becomes a targeted read of user_emails (_id = the address) then of users by _id (not built: users stays unsharded until then)',
  },
  {
    // Not an e-mail or id lookup: those are named above, or targeted.
    match: /^users (find|count) \{(?![^}]*(?:email|_id):eq)[^}]*isDeleted:eq[^}]*\}( sort \{[^}]*\})?$/,
    why: 'the admin list (every sort, filter, search and cursor), its total, the export, stats by role and role member counts: each shard answers from its own list_* / role_members index, mongos merges (admin routes, the stats cached)',
  },
  // audit_log, by time
  {
    match: /^audit_log (find|count) \{(actorId:eq|action:eq|action:eq,actorId:eq)?\}( sort \{at,_id\})?$/,
    why: 'the audit list has no time bound: every shard answers its newest entries off its at_id index and mongos merges (admin route); a `since` bound would target the newest chunks',
  },
  // refresh_tokens and sessions, by hashed userId
  {
    match: /^refresh_tokens (find|update) \{(tokenHash:eq|_id:eq)\}$/,
    why: 'a refresh presents only the opaque token: until the token names its user (e.g. `<userId>.<secret>`), each refresh looks it up, and marks it spent, on every shard (indexed, one document each)',
  },
  {
    match: /^refresh_tokens (find|distinct|update) \{familyId:eq(,revokedAt:(eq|other))?\}$/,
    why: 'one session by its family id (status on a cache miss of the access-token check, logout, reuse detection, the live list\'s revoked families): the callers know the user id; passing it would target these',
  },
  {
    match: /^sessions update \{_id:eq,lastUsedAt:range\}$/,
    why: 'touching a session record by its family id (throttled): the caller knows the user id; passing it would target it',
  },
];

/** `{email:eq,status:range}`-style description of a filter, with its sort: what the lists above name. */
interface Shape {
  readonly eq: ReadonlySet<string>;
  readonly range: ReadonlySet<string>;
  /** Fields only under $or / $nor / $ne / $exists / an unanchored regex: filtered, never bounded. */
  readonly residual: ReadonlySet<string>;
  readonly sort: readonly (readonly [string, number])[];
  readonly text: string;
}

const isOperatorObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$')) && !('_bsontype' in v);

const isAnchored = (v: unknown): boolean => (v instanceof RegExp ? v.source.startsWith('^') : typeof v === 'object' && v !== null && '$regex' in v && String((v as { $regex: unknown }).$regex).startsWith('^'));

const shapeOf = (filter: Document, sort: Document | undefined): Shape => {
  const eq = new Set<string>();
  const range = new Set<string>();
  const residual = new Set<string>();
  const residualFields = (f: Document): void => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' || k === '$or' || k === '$nor') for (const branch of v as Document[]) residualFields(branch);
      else residual.add(k);
    }
  };
  const visit = (f: Document): void => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and') for (const branch of value as Document[]) visit(branch);
      else if (key === '$or' || key === '$nor') for (const branch of value as Document[]) residualFields(branch);
      else if (value instanceof RegExp) (isAnchored(value) ? range : residual).add(key);
      else if (isOperatorObject(value)) {
        const ops = Object.keys(value);
        if (ops.some((o) => o === '$eq' || o === '$in')) eq.add(key);
        else if (ops.some((o) => ['$gt', '$gte', '$lt', '$lte'].includes(o)) || (ops.includes('$regex') && isAnchored(value))) range.add(key);
        else residual.add(key);
      } else eq.add(key);
    }
  };
  visit(filter);
  for (const f of eq) range.delete(f);
  for (const f of [...eq, ...range]) residual.delete(f);
  // The driver sends a sort as a Map.
  const sortPairs = (sort instanceof Map ? [...(sort as Map<string, unknown>).entries()] : Object.entries(sort ?? {})).map(([k, d]) => [k, Number(d)] as const);
  const name = (s: ReadonlySet<string>, tag: string) => [...s].map((f) => `${f}:${tag}`);
  const fields = [...name(eq, 'eq'), ...name(range, 'range'), ...name(residual, 'other')].sort();
  const text = `{${fields.join(',')}}${sortPairs.length ? ` sort {${sortPairs.map(([k]) => k).join(',')}}` : ''}`;
  return { eq, range, residual, sort: sortPairs, text };
};

interface Fit {
  readonly index: string;
  readonly served: boolean;
  /** How many leading index fields the filter's equality and sort and range bind (the closest index has most). */
  readonly bound: number;
}

/** Whether `index` serves `shape`: equality prefix, then the sort, then one range field. */
const fit = (name: string, key: IndexKey, unique: boolean, shape: Shape): Fit => {
  const fields = Object.keys(key);
  let p = 0;
  while (p < fields.length && shape.eq.has(fields[p]!)) p++;
  const coversEq = [...shape.eq].every((f) => fields.slice(0, p).includes(f));
  if (unique && p === fields.length) return { index: name, served: true, bound: p };
  // A sort on a field bound by equality costs nothing: only the rest must follow the prefix.
  const sort = shape.sort.filter(([f]) => !shape.eq.has(f));
  let s = 0;
  let sameWay: boolean | undefined;
  while (s < sort.length && fields[p + s] === sort[s]![0]) {
    const direction = key[fields[p + s]!];
    const same = direction === 'hashed' ? undefined : direction === sort[s]![1];
    if (same === undefined || (sameWay !== undefined && same !== sameWay)) break;
    sameWay = same;
    s++;
  }
  const sortOk = s === sort.length;
  const next = fields[p + s];
  const rangeOk = shape.range.size === 0 || (next !== undefined && shape.range.has(next)) || sort.slice(0, s).some(([f]) => shape.range.has(f));
  const used = p > 0 || s > 0 || (next !== undefined && shape.range.has(next));
  return { index: name, served: coversEq && sortOk && rangeOk && used, bound: p + s + (rangeOk && shape.range.size > 0 ? 1 : 0) };
};

const indexesOf = (collection: CollectionName): { name: string; key: IndexKey; unique: boolean }[] => {
  const declared = INDEXES[collection] as { indexes: readonly { name: string; key: IndexKey; unique?: boolean }[]; expiry?: { field: string; ttlName: string } };
  return [
    { name: '_id_', key: { _id: 1 }, unique: true },
    ...declared.indexes.map((i) => ({ name: i.name, key: i.key, unique: i.unique === true })),
    ...(declared.expiry ? [{ name: declared.expiry.ttlName, key: { [declared.expiry.field]: 1 } as IndexKey, unique: false }] : []),
  ];
};

const OPS: Readonly<Record<string, (c: Document) => { filter: Document; sort?: Document | undefined }[]>> = {
  find: (c) => [{ filter: (c['filter'] as Document | undefined) ?? {}, sort: c['sort'] as Document | undefined }],
  count: (c) => [{ filter: (c['query'] as Document | undefined) ?? {} }],
  distinct: (c) => [{ filter: (c['query'] as Document | undefined) ?? {} }],
  aggregate: (c) => {
    const pipeline = (c['pipeline'] as Document[] | undefined) ?? [];
    const match = pipeline[0]?.['$match'] as Document | undefined;
    const sort = pipeline.find((s) => '$sort' in s)?.['$sort'] as Document | undefined;
    return [{ filter: match ?? {}, ...(sort ? { sort } : {}) }];
  },
  update: (c) => ((c['updates'] as Document[] | undefined) ?? []).map((u) => ({ filter: u['q'] as Document })),
  delete: (c) => ((c['deletes'] as Document[] | undefined) ?? []).map((d) => ({ filter: d['q'] as Document })),
  findAndModify: (c) => [{ filter: (c['query'] as Document | undefined) ?? {}, sort: c['sort'] as Document | undefined }],
};

/** countDocuments is an aggregate of $match and $group: named `count` like the count command. */
const opName = (e: CommandStartedEvent): string => {
  if (e.commandName !== 'aggregate') return e.commandName;
  const pipeline = (e.command['pipeline'] as Document[] | undefined) ?? [];
  return pipeline.some((s) => '$group' in s) && pipeline.length <= 4 ? 'count' : 'aggregate';
};

describe('MongoDB :: the index-coverage rule', () => {
  const users = indexesOf('users');
  const served = (filter: Document, sort?: Document) => users.map((i) => fit(i.name, i.key, i.unique, shapeOf(filter, sort))).filter((f) => f.served).map((f) => f.index);

  it('serves an equality prefix, then the sort, then one range; a unique index bound on all its fields whatever else is asked', () => {
    expect(served({ email: 'a@b.c' })).to.deep.equal(['email_unique']);
    expect(served({ _id: 1, version: 3 })).to.deep.equal(['_id_']);
    expect(served({ isDeleted: false, status: 'active' }, new Map([['nameLower', 1], ['_id', 1]]))).to.deep.equal(['list_status_nameLower']);
    // Walked backwards: the descending sort of an ascending index.
    expect(served({ isDeleted: false, nameLower: { $gte: 'b' } }, { nameLower: -1, _id: -1 })).to.deep.equal(['list_nameLower']);
  });

  it('does not serve a filter whose equality skips an index field, a sort that does not follow the prefix, or a range out of place', () => {
    expect(served({ nameLower: 'ada' })).to.deep.equal([]);
    expect(served({ isDeleted: false }, { name: 1 })).to.deep.equal([]);
    expect(served({ isDeleted: false, updatedAt: { $gt: new Date() } }, { createdAt: -1, _id: -1 })).to.deep.equal([]);
    expect(served({ isDeleted: false, status: 'active' }, { createdAt: -1, _id: 1 })).to.deep.equal([]);
  });
});

describe('MongoDB :: every filter the adapters send is served by a declared index', function () {
  this.timeout(120_000);
  const recorded: Recorded[] = [];
  let origin = '';
  let dbName: string;
  let url: string;
  let database: MongoDatabase;
  /** Unmonitored: the suites' own clean-up (deleteMany({}) between tests) is not an adapter's query. */
  let setup: MongoDatabase;
  const watched = new Set<string>();
  /** Collections written to: a collection only ever inserted into (spend markers) has no filter to check. */
  const inserted = new Set<string>();

  const record = (e: CommandStartedEvent): void => {
    if (!watched.has(e.databaseName)) return;
    const collection = String(e.command[e.commandName]);
    if (e.commandName === 'insert') inserted.add(collection);
    const extract = OPS[e.commandName];
    if (!extract) return;
    for (const { filter, sort } of extract(e.command)) recorded.push({ collection, op: opName(e), filter, sort, origin });
  };
  const monitored = (u: string): string => `${u}${u.includes('?') ? '&' : '?'}monitorCommands=true`;

  before(async function () {
    url = await requireService(this, 'mongodb');
    dbName = uniqueDbName('nexus_index_coverage');
    watched.add(dbName);
    database = await MongoDatabase.connect({ url: monitored(url), dbName });
    database.client.on('commandStarted', record);
    setup = await MongoDatabase.connect({ url, dbName });
  });
  beforeEach(function () {
    origin = this.currentTest?.fullTitle() ?? '';
  });
  after(async () => {
    await setup?.db.dropDatabase().catch(() => undefined);
    await setup?.close();
    await database?.close();
  });

  const fresh = async <T extends { ensureIndexes(): Promise<void> }>(collections: string[], make: () => T): Promise<T> => {
    for (const name of collections) await setup.db.collection(name).deleteMany({});
    const adapter = make();
    await adapter.ensureIndexes();
    return adapter;
  };

  describe('the MongoDB adapters\' contract suites, recorded', () => {
    userRepositoryContract('MongoUserRepository', async () => ({ repository: await fresh(['users', 'users_version_claims'], () => new MongoUserRepository(database)) }));
    roleHoldersContract('MongoUserRepository', () => fresh(['users'], () => new MongoUserRepository(database)));
    roleRepositoryContract('MongoRoleRepository', () => fresh(['roles'], () => new MongoRoleRepository(database)));
    refreshTokenStoreContract('MongoRefreshTokenStore', () => fresh(['refresh_tokens', 'refresh_token_spends', 'sessions'], () => new MongoRefreshTokenStore(database)));
    apiKeyRepositoryContract('MongoApiKeyRepository', () => fresh(['api_keys'], () => new MongoApiKeyRepository(database)));
    auditLogContract('MongoAuditLog', () => fresh(['audit_log'], () => new MongoAuditLog(database)));
    leasesContract('MongoLeases', (clock) => fresh(['leases'], () => new MongoLeases(database, clock.now)));
    outboxStoreContract('MongoOutboxStore', () => fresh(['outbox', 'outbox_claims'], () => new MongoOutboxStore(database)));
    mfaStoreContract('MongoMfaStore', () => fresh(['mfa_totp', 'mfa_totp_claims'], () => new MongoMfaStore(database)));
    mfaChallengeStoreContract('MongoMfaChallengeStore', () => fresh(['mfa_challenges', 'mfa_challenge_spends'], () => new MongoMfaChallengeStore(database)));
    accountTokenStoreContract('MongoAccountTokenStore', () => fresh(['account_tokens', 'account_tokens_ends'], () => new MongoAccountTokenStore(database)));
  });

  describe('a production-profile flow over HTTP, recorded', () => {
    let app: TestApp;
    const connect = MongoDatabase.connect.bind(MongoDatabase);

    before(async function () {
      // The app connects through MongoDatabase.connect: monitor the connection it makes.
      MongoDatabase.connect = async (options) => {
        const db = await connect({ ...options, url: monitored(options.url) });
        if (options.dbName !== undefined) watched.add(options.dbName);
        db.client.on('commandStarted', record);
        return db;
      };
      try {
        app = await startTestApp(this, 'production', { ACCOUNT_LOCK_THRESHOLD: '3' });
      } finally {
        MongoDatabase.connect = connect;
      }
    });
    after(async () => {
      const name = app?.runtime.config.mongo?.dbName;
      await app?.close();
      if (name !== undefined) {
        const cleanup = await connect({ url, dbName: name });
        await cleanup.db.dropDatabase().catch(() => undefined);
        await cleanup.close();
      }
    });

    it('registers, verifies, logs in, refreshes, reuses a spent token, logs out', async () => {
      const u = await app.newUser('flow');
      await app.http.get('/api/auth/me').set('Authorization', u.auth).expect(200);
      const verify = await eventually(() => {
        const mail = app.smtp.messages.find((m) => m.to.includes(u.email) && linkToken(m, 'verify-email') !== undefined);
        if (!mail) throw new Error('no verification e-mail yet');
        return linkToken(mail, 'verify-email')!;
      });
      await app.http.post('/api/auth/email/verify').send({ token: verify }).expect(200);
      const rotated = await app.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
      await app.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
      const again = await app.login(u.email, u.password);
      await app.http.post('/api/auth/logout').send({ refreshToken: again.refreshToken }).expect((r) => expect(r.status).to.be.below(300));
      expect(rotated.body.data.refreshToken).to.be.a('string');
    });

    it('changes and resets a password, locks and unlocks an account', async () => {
      const u = await app.newUser('password');
      const other = await app.login(u.email, u.password);
      await app.http.post('/api/auth/password').set('Authorization', u.auth).send({ currentPassword: u.password, newPassword: 'Marmalade-Harbour-93!' }).expect(200);
      await app.http.post('/api/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
      await app.http.post('/api/auth/password/forgot').send({ email: u.email }).expect(202);
      const reset = await eventually(() => {
        const mail = app.smtp.messages.find((m) => m.to.includes(u.email) && linkToken(m, 'reset-password') !== undefined);
        if (!mail) throw new Error('no reset e-mail yet');
        return linkToken(mail, 'reset-password')!;
      });
      await app.http.post('/api/auth/password/reset').send({ token: reset, newPassword: RESET_PASSWORD }).expect(200);
      for (let i = 0; i < 3; i++) await app.http.post('/api/auth/login').send({ email: u.email, password: 'Wrong-Password-000!' }).expect(401);
      const admin = await app.admin();
      await app.http.post(`/api/users/${u.userId}/unlock`).set('Authorization', admin.auth).expect(200);
      await app.login(u.email, RESET_PASSWORD);
    });

    it('lists, ends and administers sessions', async () => {
      const u = await app.newUser('sessions');
      await app.login(u.email, u.password);
      const list = await app.http.get('/api/auth/sessions').set('Authorization', u.auth).expect(200);
      const others = (list.body.data as { id: string; current: boolean }[]).filter((s) => !s.current);
      await app.http.delete(`/api/auth/sessions/${others[0]!.id}`).set('Authorization', u.auth).expect((r) => expect(r.status).to.be.below(300));
      await app.http.delete('/api/auth/sessions').set('Authorization', u.auth).expect((r) => expect(r.status).to.be.below(300));
      const admin = await app.admin();
      await app.http.get(`/api/users/${u.userId}/sessions`).set('Authorization', admin.auth).expect(200);
      await app.http.delete(`/api/users/${u.userId}/sessions`).set('Authorization', admin.auth).expect((r) => expect(r.status).to.be.below(300));
    });

    it('enrols TOTP, logs in with a code and a recovery code, turns it off', async () => {
      const u = await app.newUser('mfa');
      const started = await app.http.post('/api/auth/mfa/totp').set('Authorization', u.auth).expect(200);
      const secret = String(started.body.data.secret);
      const code = (offset: number) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offset * 30_000 });
      const confirmed = await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', u.auth).send({ code: code(0) }).expect(200);
      const recovery = (confirmed.body.data.recoveryCodes as string[])[0]!;
      const first = await app.http.post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
      await app.http.post('/api/auth/login/mfa').send({ mfaToken: first.body.data.mfaToken, code: code(1) }).expect(200);
      const second = await app.http.post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
      const signedIn = await app.http.post('/api/auth/login/mfa').send({ mfaToken: second.body.data.mfaToken, recoveryCode: recovery }).expect(200);
      await app.http.delete('/api/auth/mfa/totp').set('Authorization', `Bearer ${signedIn.body.data.accessToken}`).send({ password: u.password }).expect(200);
    });

    it('administers users, roles, API keys and the audit trail', async () => {
      const admin = await app.admin();
      const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string) => app.http[method](path).set('Authorization', admin.auth);
      const u = await app.newUser('admin-flow', { age: 40 });
      const key = await as('post', '/api/api-keys').send({ name: 'ci', permissions: [{ resource: 'users', action: 'read' }] }).expect(201);
      await app.http.get('/api/auth/me').set('X-API-Key', String(key.body.data.key)).expect(200);
      await as('get', '/api/api-keys').expect(200);
      await as('delete', `/api/api-keys/${String(key.body.data.apiKey.id)}`).expect((r) => expect(r.status).to.be.below(300));
      for (const sortBy of ['createdAt', 'name', 'email', 'age']) {
        for (const sortOrder of ['asc', 'desc']) await as('get', `/api/users?sortBy=${sortBy}&sortOrder=${sortOrder}&limit=2`).expect(200);
      }
      await as('get', '/api/users?status=active&search=test').expect(200);
      for (const sortBy of ['createdAt', 'name', 'email', 'age']) {
        const firstPage = await as('get', `/api/users?limit=1&sortBy=${sortBy}`).expect(200);
        const cursor = String(firstPage.body.data.pagination.nextCursor);
        await as('get', `/api/users?limit=1&after=${encodeURIComponent(cursor)}`).expect(200);
      }
      await as('get', `/api/users/${u.userId}`).expect(200);
      await as('patch', `/api/users/${u.userId}`).send({ name: 'Renamed Person' }).expect(200);
      const role = await as('post', '/api/roles').send({ name: 'auditors', permissions: [{ resource: 'audit', action: 'read' }] }).expect(201);
      const roleId = String(role.body.data.id);
      await as('get', '/api/roles').expect(200);
      await as('patch', `/api/roles/${roleId}`).send({ description: 'reads the audit trail' }).expect((r) => expect(r.status).to.be.oneOf([200, 400]));
      await as('post', `/api/users/${u.userId}/roles`).send({ roleId }).expect((r) => expect(r.status).to.be.below(300));
      await as('get', '/api/users/stats/by-role').expect(200);
      await as('delete', `/api/users/${u.userId}/roles/${roleId}`).expect((r) => expect(r.status).to.be.below(300));
      await as('delete', `/api/users/${u.userId}`).expect((r) => expect(r.status).to.be.below(300));
      await as('post', `/api/users/${u.userId}/restore`).expect((r) => expect(r.status).to.be.below(300));
      await as('get', '/api/users/export').expect(200);
      await as('delete', `/api/roles/${roleId}`).expect((r) => expect(r.status).to.be.below(300));
      await as('get', '/api/audit').expect(200);
      await as('get', `/api/audit?actorId=${admin.userId}`).expect(200);
      await as('get', '/api/audit?action=auth.login.failed').expect(200);
    });
  });

  describe('what was recorded', () => {
    const byShape = (): Map<string, { collection: string; op: string; shape: Shape; origins: Set<string> }> => {
      const shapes = new Map<string, { collection: string; op: string; shape: Shape; origins: Set<string> }>();
      for (const r of recorded) {
        const shape = shapeOf(r.filter, r.sort);
        const id = `${r.collection} ${r.op} ${shape.text}`;
        const entry = shapes.get(id) ?? { collection: r.collection, op: r.op, shape, origins: new Set<string>() };
        entry.origins.add(r.origin);
        shapes.set(id, entry);
      }
      return shapes;
    };

    it('recorded the adapters\' queries on every declared collection', () => {
      expect(recorded.length, 'nothing recorded: run the whole file').to.be.above(200);
      const seen = new Set([...recorded.map((r) => r.collection), ...inserted]);
      const undeclared = [...seen].filter((c) => !(c in INDEXES));
      expect(undeclared, 'collections queried that src/adapters/mongo/indexes.ts does not declare').to.deep.equal([]);
      // Version claims exist only where a conditional update is not atomic (FerretDB v1).
      const unused = database.atomicConditionalUpdates ? ['users_version_claims'] : [];
      const unqueried = Object.keys(INDEXES).filter((c) => !seen.has(c) && !unused.includes(c));
      expect(unqueried, 'declared collections no recorded query touched').to.deep.equal([]);
    });

    it('serves every filter by a declared index (equality prefix, then the sort, then the range)', () => {
      const unserved: string[] = [];
      const lines: string[] = [];
      for (const [id, { collection, shape, origins }] of byShape()) {
        const fits = indexesOf(collection as CollectionName).map((i) => fit(i.name, i.key, i.unique, shape));
        const served = fits.find((f) => f.served);
        lines.push(`${id} -> ${served?.index ?? 'NONE'}`);
        if (served || id in ACCEPTED) continue;
        const closest = [...fits].sort((a, b) => b.bound - a.bound)[0]!;
        const key = indexesOf(collection as CollectionName).find((i) => i.name === closest.index)!.key;
        unserved.push(`${collection}: ${id.slice(collection.length + 1)} is served by no declared index; closest: ${closest.index} ${JSON.stringify(key)} (from: ${[...origins][0]})`);
      }
      if (process.env['INDEX_COVERAGE_VERBOSE'] === '1') process.stdout.write(`${lines.sort().join('\n')}\n`);
      expect(unserved, unserved.join('\n')).to.deep.equal([]);
    });

    it('lists no exception, and no scatter-gather, that no query sends any more', () => {
      const shapes = byShape();
      expect(Object.keys(ACCEPTED).filter((id) => !shapes.has(id)), 'ACCEPTED').to.deep.equal([]);
      expect(SCATTERS.filter((s) => ![...shapes.keys()].some((id) => s.match.test(id))).map((s) => String(s.match)), 'SCATTERS').to.deep.equal([]);
    });

    it('carries the shard key in every query of a collection that would be sharded, but for the scatter-gathers the README lists', () => {
      const scattering: string[] = [];
      const seen = new Set<string>();
      for (const [id, { collection, shape, origins }] of byShape()) {
        const shard = SHARD_KEYS[collection as keyof typeof SHARD_KEYS] as { key: IndexKey } | undefined;
        if (!shard) continue;
        const targeted = Object.entries(shard.key).every(([field, kind]) => shape.eq.has(field) || (kind !== 'hashed' && shape.range.has(field)));
        if (targeted) continue;
        seen.add(id);
        if (!SCATTERS.some((s) => s.match.test(id))) scattering.push(`${collection}: ${id.slice(collection.length + 1)} goes to every shard (shard key ${JSON.stringify(shard.key)}; from: ${[...origins][0]})`);
      }
      expect(scattering, scattering.join('\n')).to.deep.equal([]);
    });
  });
});
