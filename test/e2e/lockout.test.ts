import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type supertest from 'supertest';
import { MemoryLoginLocks } from '../../src/adapters/lockout/memory-login-locks';
import { connectRedis } from '../../src/adapters/redis/redis-connection';
import type { Clock } from '../../src/application/ports/clock.port';
import { eventually, sleep } from '../support/eventually';
import { linkToken, mailSays } from '../support/mail-links';
import { testMailTemplates } from '../support/mail';
import { silentLogger } from '../support/logger';
import { requireLocalBinary, requireService, startLocalRedis, uniqueDbName } from '../support/services';
import { ADMIN_EMAIL, PROFILES, startTestApp, type TestApp } from '../support/test-app';

const MIN = 60_000;
const WRONG = 'Wrong-Password-1!';
const THRESHOLD = 10;

/** Our clock, moved by hand: locks last minutes, tests do not. Starts now, so tokens and mail flow as usual. */
class ManualClock implements Clock {
  t = Date.now();
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

/** The lock notice's subject, from the templates account mails are worded by. */
const LOCK_SUBJECT = testMailTemplates().render('account-locked', { email: 'x@example.com', name: 'x' }, { lockedUntil: '2030-01-01T00:00:00.000Z' }).subject;

let ips = 0;
const freshIp = () => `198.19.${Math.floor(++ips / 250)}.${ips % 250}`;

interface AuditItem {
  action: string;
  actorId: string | null;
  target: { type: string; id: string | null };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

const auditOf = async (app: TestApp, action: string, userId: string): Promise<AuditItem[]> => {
  const admin = await app.admin();
  const res = await app.http.get(`/api/audit?action=${action}&limit=100`).set('Authorization', admin.auth).expect(200);
  return (res.body.data.items as AuditItem[]).filter((e) => e.target.id === userId).reverse();
};

/** Everything of an answer a client can see, but the Date header. */
const seen = (res: supertest.Response) => {
  const { date: _date, ...headers } = res.headers as Record<string, string>;
  return { status: res.status, body: res.text, headers };
};

for (const profile of PROFILES) {
  describe(`e2e :: account lockout (${profile} profile)`, function () {
    this.timeout(90_000);
    let app: TestApp;
    let clock: ManualClock;

    before(async function () {
      this.timeout(120_000);
      clock = new ManualClock();
      // Every request from its own address, as a distributed guesser's would be: the per-client limit stays out of the way.
      app = await startTestApp(this, profile, { TRUST_PROXY: 'true' }, silentLogger(), { clock });
    });
    after(async () => app?.close());

    const login = (email: string, password: string, ip = freshIp()) => app.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });
    const failTimes = async (email: string, times: number) => {
      for (let i = 0; i < times; i++) await login(email, WRONG).expect(401);
    };
    const lockMails = (email: string) => app.smtp.to(email).filter((m) => m.subject === LOCK_SUBJECT);

    it('locks an account after 10 failed logins: its right password then gets the very answer a wrong one gets', async () => {
      const user = await app.newUser('locked');
      await failTimes(user.email, THRESHOLD - 1);
      await login(user.email, user.password).expect(200);
      await failTimes(user.email, THRESHOLD);

      const ask = (email: string, password: string) => login(email, password).set('X-Request-ID', 'lockout-probe-1');
      const right = await ask(user.email, user.password);
      const wrong = await ask(user.email, WRONG);
      const unknown = await ask(`nobody.${profile}@example.com`, user.password);

      expect(right.status).to.equal(401);
      expect(seen(right)).to.deep.equal(seen(wrong));
      expect(seen(unknown)).to.deep.equal(seen(wrong));
      const reasons = (await auditOf(app, 'auth.login.failed', user.userId)).map((e) => e.after?.['reason']);
      expect(reasons.slice(-2)).to.deep.equal(['locked', 'locked']);
    });

    it('mails the owner once per lock and audits it with its end and repeat count', async () => {
      const user = await app.newUser('noticed');
      await failTimes(user.email, THRESHOLD);
      await failTimes(user.email, 5);

      const until = new Date(clock.t + 15 * MIN).toISOString();
      const locks = await auditOf(app, 'auth.lockout', user.userId);
      expect(locks).to.have.length(1);
      expect(locks[0]).to.deep.include({ actorId: null, after: { until, repeat: 1, minutes: 15 } });
      await eventually(() => (lockMails(user.email).length > 0 ? true : undefined), 10_000, 'the lock notice');
      await sleep(300);
      expect(lockMails(user.email)).to.have.length(1);
      // The notice says when the lock ends, to the minute, in UTC.
      expect(mailSays(lockMails(user.email)[0]!, `${until.slice(0, 10)} ${until.slice(11, 16)} UTC`)).to.equal(true);
    });

    it('lets an administrator unlock it early (users:update), and audits that', async () => {
      const user = await app.newUser('unlocked');
      await failTimes(user.email, THRESHOLD);
      await login(user.email, user.password).expect(401);
      const admin = await app.admin();

      const res = await app.http.post(`/api/users/${user.userId}/unlock`).set('Authorization', admin.auth).expect(200);
      expect(res.body.data).to.deep.equal({ id: user.userId, wasLocked: true, lockedUntil: new Date(clock.t + 15 * MIN).toISOString() });
      await login(user.email, user.password).expect(200);
      const again = await app.http.post(`/api/users/${user.userId}/unlock`).set('Authorization', admin.auth).expect(200);
      expect(again.body.data).to.deep.equal({ id: user.userId, wasLocked: false, lockedUntil: null });

      const lifted = await auditOf(app, 'auth.lockout.lifted', user.userId);
      expect(lifted).to.have.length(1);
      expect(lifted[0]).to.deep.include({ actorId: admin.userId, after: { reason: 'unlocked' } });
    });

    it('refuses the unlock to API keys, to callers without users:update and to managers below the user; 404 for an unknown user, 400 for a bad id or a body', async () => {
      const user = await app.newUser('still-locked');
      await failTimes(user.email, THRESHOLD);
      const admin = await app.admin();
      const unlock = (id: string, auth: Record<string, string>) => app.http.post(`/api/users/${id}/unlock`).set(auth);

      const key = (await app.http.post('/api/api-keys').set('Authorization', admin.auth).send({ name: 'ops', permissions: [{ resource: 'users', action: 'update' }] }).expect(201)).body.data.key as string;
      const byKey = await unlock(user.userId, { 'X-API-Key': key }).expect(403);
      expect(byKey.body.message).to.match(/API key/);
      await unlock(user.userId, { Authorization: user.auth }).expect(403);

      const role = await app.http.post('/api/roles').set('Authorization', admin.auth).send({ name: `unlocker-${profile}`, permissions: [{ resource: 'users', action: 'update' }] }).expect(201);
      const manager = await app.newUser('manager');
      await app.http.post(`/api/users/${manager.userId}/roles`).set('Authorization', admin.auth).send({ roleId: role.body.data.id }).expect(200);
      const managerAuth = (await app.login(manager.email, manager.password)).auth;
      const outranked = await unlock(admin.userId, { Authorization: managerAuth }).expect(403);
      expect(outranked.body.message).to.match(/holds permissions you do not/);

      await unlock('0123456789abcdef01234567', { Authorization: admin.auth }).expect(404);
      await unlock('not-an-id', { Authorization: admin.auth }).expect(400);
      const withBody = await app.http.post(`/api/users/${user.userId}/unlock`).set('Authorization', admin.auth).send({ force: true }).expect(400);
      expect(JSON.stringify(withBody.body.errors)).to.include('force');
      await app.http.post(`/api/users/${user.userId}/unlock`).expect(401);

      // None of that lifted the lock; a manager may unlock someone within reach.
      await login(user.email, user.password).expect(401);
      expect((await unlock(user.userId, { Authorization: managerAuth }).expect(200)).body.data.wasLocked).to.equal(true);
      await login(user.email, user.password).expect(200);
    });

    it('ends a lock after 15 minutes, and doubles the next one to 30', async () => {
      const user = await app.newUser('doubled');
      await failTimes(user.email, THRESHOLD);
      clock.advance(15 * MIN - 1000);
      await login(user.email, user.password).expect(401);
      clock.advance(1000);
      await login(user.email, user.password).expect(200);

      await failTimes(user.email, THRESHOLD);
      const secondUntil = new Date(clock.t + 30 * MIN).toISOString();
      clock.advance(29 * MIN);
      await login(user.email, user.password).expect(401);
      clock.advance(MIN);
      await login(user.email, user.password).expect(200);

      const locks = await auditOf(app, 'auth.lockout', user.userId);
      expect(locks.map((e) => e.after)).to.deep.equal([
        { until: locks[0]!.after!['until'], repeat: 1, minutes: 15 },
        { until: secondUntil, repeat: 2, minutes: 30 },
      ]);
      await eventually(() => (lockMails(user.email).length === 2 ? true : undefined), 10_000, 'two lock notices');
    });

    it('refuses even the right current password at POST /api/auth/password while locked (a session is no way around the lock); a change made before the lock lifts the failures', async () => {
      const user = await app.newUser('changer');
      await failTimes(user.email, THRESHOLD);
      await login(user.email, user.password).expect(401);

      // Whoever holds this session (the owner, or a thief of its access token) cannot test
      // passwords here while the account is locked: the owner's ways out are the reset link and an administrator.
      const newPassword = 'Saffron-Glacier-Voyage-31';
      await app.http.post('/api/auth/password').set('Authorization', user.auth).send({ currentPassword: user.password, newPassword }).expect(400);
      await login(user.email, newPassword).expect(401);

      const admin = await app.admin();
      await app.http.post(`/api/users/${user.userId}/unlock`).set('Authorization', admin.auth).expect(200);
      await failTimes(user.email, THRESHOLD - 1);
      await app.http.post('/api/auth/password').set('Authorization', user.auth).send({ currentPassword: user.password, newPassword }).expect(200);
      // The change forgot the nine failures: nine more do not lock.
      await failTimes(user.email, THRESHOLD - 1);
      await login(user.email, newPassword).expect(200);
    });

    it('lifts the lock when the owner resets the password from the e-mailed link', async () => {
      const user = await app.newUser('resetter');
      await failTimes(user.email, THRESHOLD);
      await login(user.email, user.password).expect(401);

      const resetMails = () => app.smtp.to(user.email).filter((m) => linkToken(m, 'reset-password') !== undefined);
      await app.http.post('/api/auth/password/forgot').send({ email: user.email }).expect(202);
      const mail = await eventually(() => resetMails()[0], 10_000, 'the password-reset e-mail');
      const newPassword = 'Juniper-Harbour-Compass-64';
      await app.http.post('/api/auth/password/reset').send({ token: linkToken(mail, 'reset-password'), newPassword }).expect(200);

      await login(user.email, newPassword).expect(200);
      const lifted = await auditOf(app, 'auth.lockout.lifted', user.userId);
      expect(lifted.map((e) => [e.actorId, e.after])).to.deep.equal([[user.userId, { reason: 'password-reset' }]]);
    });

    it('never creates lock state for unknown e-mails, which answer like a wrong password', async () => {
      const counter = await lockStateCounter(app);
      try {
        const before = await counter.count();
        expect(before).to.be.greaterThan(0);
        for (let i = 0; i < 2 * THRESHOLD; i++) {
          const res = await login(`ghost.${i % 3}.${profile}@example.com`, WRONG).expect(401);
          expect(res.body.message).to.equal('Invalid email or password');
        }
        expect(await counter.count()).to.equal(before);
      } finally {
        await counter.close();
      }
      const admin = await app.admin();
      const lockouts = await app.http.get('/api/audit?action=auth.lockout&limit=100').set('Authorization', admin.auth).expect(200);
      expect((lockouts.body.data.items as AuditItem[]).filter((e) => e.target.id === null)).to.deep.equal([]);
    });

    it('locks an administrator too, without ending the sessions opened before; signed in, it can lift its own lock', async () => {
      const before = await app.admin();
      await failTimes(ADMIN_EMAIL, THRESHOLD);
      expect(await app.admin().then(() => 'signed in', (e: Error) => e.message)).to.match(/failed: 401/);

      await app.http.get('/api/auth/me').set('Authorization', before.auth).expect(200);
      const res = await app.http.post(`/api/users/${before.userId}/unlock`).set('Authorization', before.auth).expect(200);
      expect(res.body.data.wasLocked).to.equal(true);
      await app.admin();
    });
  });
}

/** How many accounts have lock state (in this process's memory, or under the deployment's Redis prefix). */
const lockStateCounter = async (app: TestApp): Promise<{ count(): Promise<number>; close(): Promise<void> }> => {
  const store = app.runtime.adapters.loginLocks;
  if (store instanceof MemoryLoginLocks) return { count: async () => store.size, close: async () => undefined };
  const { redis } = app.runtime.config;
  if (!redis) throw new Error('production profile without Redis');
  if (redis.target.kind !== 'single') throw new Error('this test reads one Redis');
  const client: Redis = await connectRedis(redis.target.url, { name: 'test-lock-count', failFast: true });
  return { count: async () => (await client.keys(`${redis.keyPrefix}:lockout:*`)).length, close: async () => void (await client.quit()) };
};

describe('e2e :: account lockout across two instances on one Redis (production profile)', function () {
  this.timeout(120_000);
  let a: TestApp;
  let b: TestApp;

  before(async function () {
    const shared = { MONGO_DB: uniqueDbName('nexus_e2e_lockout'), REDIS_KEY_PREFIX: `e2e-lockout-${process.pid}`, TRUST_PROXY: 'true' };
    a = await startTestApp(this, 'production', shared);
    b = await startTestApp(this, 'production', shared);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it('counts 30 failures sent at once to both instances as one account: exactly one lock, one audit entry, one mail', async () => {
    const user = await a.newUser('shared-lock');
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? b : a).http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: user.email, password: WRONG })),
    );
    expect(responses.map((r) => r.status)).to.deep.equal(Array.from({ length: 30 }, () => 401));

    const locks = await auditOf(a, 'auth.lockout', user.userId);
    expect(locks).to.have.length(1);
    const checked = (await auditOf(b, 'auth.login.failed', user.userId)).filter((e) => e.after?.['reason'] === 'wrong-password');
    expect(checked).to.have.length(THRESHOLD);
    const mails = () => [...a.smtp.to(user.email), ...b.smtp.to(user.email)].filter((m) => m.subject === LOCK_SUBJECT);
    await eventually(() => (mails().length > 0 ? true : undefined), 15_000, 'the lock notice');
    await sleep(500);
    expect(mails()).to.have.length(1);

    // Locked on both; lifted through one, open on the other.
    for (const app of [a, b]) await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: user.email, password: user.password }).expect(401);
    const admin = await b.admin();
    await b.http.post(`/api/users/${user.userId}/unlock`).set('Authorization', admin.auth).expect(200);
    await a.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: user.email, password: user.password }).expect(200);
  });
});

describe('e2e :: account lockout while Redis is down (production profile)', function () {
  this.timeout(90_000);

  it('goes on locking in each process by the same rules, and answers no 5xx', async function () {
    await requireService(this, 'mongodb');
    requireLocalBinary(this, 'redis-server');
    const redis = await startLocalRedis();
    let restarted: Awaited<ReturnType<typeof startLocalRedis>> | undefined;
    let app: TestApp | undefined;
    try {
      app = await startTestApp(this, 'production', { REDIS_URL: redis.url, CONNECT_TIMEOUT_MS: '1000', TRUST_PROXY: 'true' });
      const user = await app.newUser('outage');
      const admin = await app.admin();
      await redis.stop();

      const login = (password: string) => app!.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: user.email, password });
      for (let i = 0; i < THRESHOLD; i++) await login(WRONG).expect(401);
      await login(user.password).expect(401);
      const res = await app.http.post(`/api/users/${user.userId}/unlock`).set('Authorization', admin.auth).expect(200);
      expect(res.body.data.wasLocked).to.equal(true);
      await login(user.password).expect(200);

      // Back to Redis' state when it returns (the queue needs it to close cleanly, too).
      restarted = await startLocalRedis({ port: redis.port, dir: redis.dir });
      await eventually(async () => ((await app!.http.get('/health')).status === 200 ? true : undefined), 20_000, 'ready again');
      await login(user.password).expect(200);
    } finally {
      await app?.close().catch(() => undefined);
      await restarted?.stop();
      await redis.stop().catch(() => undefined);
    }
  });
});
