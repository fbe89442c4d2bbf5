import { expect } from 'chai';
import supertest from 'supertest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PROFILES, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

/**
 * What a hostile probe of the hardened server found around the rate limits: concurrency beating
 * the auth limits, other spellings of an account escaping its lock, a client choosing its own key
 * through X-Forwarded-For, and bodies parsed for a client already over its limit. An account is
 * protected by the lockout (ACCOUNT_LOCK_THRESHOLD), not by a per-account 429: a locked account
 * answers like a wrong password (see lockout.test.ts).
 */
const WRONG = 'Wrong-Password-1!';
const statusesOf = (responses: { status: number }[]) => responses.map((r) => r.status);
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

for (const profile of PROFILES) {
  describe(`e2e :: auth limits under a hostile probe (${profile} profile)`, function () {
    this.timeout(90_000);

    context('concurrent credential checks (RATE_LIMIT_AUTH_MAX=5, ACCOUNT_LOCK_THRESHOLD=5)', () => {
      let app: TestApp;
      let ips = 0;
      const freshIp = () => `198.18.${Math.floor(++ips / 250)}.${ips % 250}`;
      before(async function () {
        this.timeout(120_000);
        app = await startTestApp(this, profile, { RATE_LIMIT_AUTH_MAX: '5', ACCOUNT_LOCK_THRESHOLD: '5', RATE_LIMIT_WINDOW_SECONDS: '600', TRUST_PROXY: 'true' });
      });
      after(async () => app?.close());

      it('checks at most 5 of 90 logins sent at once from one client, the right password among them; the rest are 429', async () => {
        const user = await app.newUser('race-client');
        const client = freshIp();
        const admin = (await app.admin()).auth;

        const responses = await Promise.all(
          Array.from({ length: 90 }, (_, i) =>
            app.agent().post('/api/auth/login').set('X-Forwarded-For', client).send({ email: user.email, password: i === 40 ? user.password : WRONG }),
          ),
        );

        const statuses = statusesOf(responses);
        expect(count(statuses, 401) + count(statuses, 200), JSON.stringify(statuses)).to.be.at.most(5);
        expect(count(statuses, 429) + count(statuses, 401) + count(statuses, 200)).to.equal(90);
        const failed = await app.http.get('/api/audit?action=auth.login.failed&limit=100').set('Authorization', admin).expect(200);
        const forUser = (failed.body.data.items as { target: { id: string | null } }[]).filter((e) => e.target.id === user.userId);
        expect(forUser.length).to.be.within(1, 5);
      });

      it('checks at most 5 of 60 logins for one account sent at once from 60 clients, and answers all of them like a wrong password', async () => {
        const user = await app.newUser('race-account');
        const admin = (await app.admin()).auth;

        const responses = await Promise.all(
          Array.from({ length: 60 }, (_, i) =>
            app.agent().post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: user.email, password: i === 30 ? user.password : WRONG }),
          ),
        );

        const statuses = statusesOf(responses);
        // No 429 for an account: the refused ones are the lockout's, and look like any wrong password.
        expect(count(statuses, 401) + count(statuses, 200), JSON.stringify(statuses)).to.equal(60);
        const refusals = new Set(responses.filter((r) => r.status === 401).map((r) => JSON.stringify({ ...r.body, requestId: undefined })));
        expect([...refusals]).to.have.length(1);
        const failed = await app.http.get('/api/audit?action=auth.login.failed&limit=100').set('Authorization', admin).expect(200);
        const checked = (failed.body.data.items as { target: { id: string | null }; after: { reason: string } }[]).filter((e) => e.target.id === user.userId && e.after.reason === 'wrong-password');
        expect(checked.length + count(statuses, 200), JSON.stringify(statuses)).to.be.at.most(5);
      });

      it('checks at most 5 of 40 password changes with a wrong current password sent at once', async () => {
        const user = await app.newUser('race-password');
        const client = freshIp();

        const responses = await Promise.all(
          Array.from({ length: 40 }, () =>
            app.agent().post('/api/auth/password').set('X-Forwarded-For', client).set('Authorization', user.auth).send({ currentPassword: WRONG, newPassword: 'Another-Lighthouse-99!' }),
          ),
        );

        const statuses = statusesOf(responses);
        expect(count(statuses, 400), JSON.stringify(statuses)).to.be.within(1, 5);
        expect(count(statuses, 429)).to.equal(40 - count(statuses, 400));
      });

      it('checks at most 5 of 40 bad refresh tokens sent at once', async () => {
        const client = freshIp();

        const responses = await Promise.all(
          Array.from({ length: 40 }, (_, i) => app.agent().post('/api/auth/refresh').set('X-Forwarded-For', client).send({ refreshToken: `not-a-real-refresh-token-${i}` })),
        );

        const statuses = statusesOf(responses);
        expect(count(statuses, 401), JSON.stringify(statuses)).to.be.within(1, 5);
        expect(count(statuses, 429)).to.equal(40 - count(statuses, 401));
      });

      it('does not lock out a client whose concurrent logins all succeed, even when some were refused', async () => {
        const user = await app.newUser('race-ok');
        const client = freshIp();

        const statuses = statusesOf(
          await Promise.all(Array.from({ length: 12 }, () => app.agent().post('/api/auth/login').set('X-Forwarded-For', client).send({ email: user.email, password: user.password }))),
        );

        expect(statuses.every((s) => s === 200 || s === 429), JSON.stringify(statuses)).to.equal(true);
        for (let i = 0; i < 6; i++) await app.http.post('/api/auth/login').set('X-Forwarded-For', client).send({ email: user.email, password: user.password }).expect(200);
      });

      it('locks an account under every spelling that reaches it (dotless i, long s, sharp s, ligatures, fullwidth): one lock, keyed on the account', async () => {
        const local = `first.class.${profile}`;
        const email = `${local}@example.com`;
        await app.http.post('/api/auth/register').set('X-Forwarded-For', freshIp()).send({ name: 'First Class', email, password: USER_PASSWORD }).expect(201);
        const spellings = [`f\u0131rst.class.${profile}`, `\ufb01rst.class.${profile}`, `fir\u017ft.class.${profile}`, `first.cla\u00df.${profile}`, `FIRST.CLASS.${profile.toUpperCase()}`, `\uff46\uff49\uff52\uff53\uff54.class.${profile}`];
        // Five failures, each under another spelling, lock the one account...
        for (const spelling of spellings.slice(0, 5)) await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: `${spelling}@example.com`, password: WRONG }).expect(401);

        // ...so its right password is refused under every spelling, as a wrong one would be.
        const wrong = await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email, password: WRONG }).expect(401);
        for (const spelling of [local, ...spellings]) {
          const res = await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: `${spelling}@example.com`, password: USER_PASSWORD });
          expect(res.status, spelling).to.equal(401);
          expect(res.body.message, spelling).to.equal(wrong.body.message);
        }
        const admin = (await app.admin()).auth;
        const users = await app.http.get(`/api/users?search=${encodeURIComponent(local)}`).set('Authorization', admin).expect(200);
        const id = (users.body.data.items as { id: string; email: string }[]).find((u) => u.email === email)!.id;
        const locks = await app.http.get('/api/audit?action=auth.lockout&limit=100').set('Authorization', admin).expect(200);
        expect((locks.body.data.items as { target: { id: string } }[]).filter((e) => e.target.id === id)).to.have.length(1);
      });

      it('locks the account spelled adm\\u0131n after 5 failures on admin, and no other', async function () {
        // The admin account of these tests is root@nexus.test; the probe's admin@ is a fresh account here.
        const email = `admin.${profile}@example.com`;
        await app.http.post('/api/auth/register').set('X-Forwarded-For', freshIp()).send({ name: 'Admin Twin', email, password: USER_PASSWORD }).expect(201);
        for (let i = 0; i < 5; i++) await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email, password: WRONG }).expect(401);

        const res = await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: `adm\u0131n.${profile}@example.com`, password: USER_PASSWORD });

        expect(res.status).to.equal(401);
        // The real administrator is untouched.
        await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      });

      it('refuses a client over its auth limit before reading its body: a malformed or oversized body is 429, not 400 or 413', async () => {
        const client = freshIp();
        for (let i = 0; i < 5; i++) await app.http.post('/api/auth/refresh').set('X-Forwarded-For', client).send({ refreshToken: `bad-${i}` }).expect(401);

        const malformed = await app.http.post('/api/auth/login').set('X-Forwarded-For', client).set('Content-Type', 'application/json').send('{"email": ');
        const oversized = await app.http.post('/api/auth/login').set('X-Forwarded-For', client).set('Content-Type', 'application/json').send(JSON.stringify({ email: 'x'.repeat(200_000) }));

        expect([malformed.status, oversized.status]).to.deep.equal([429, 429]);
      });
    });

    context('the general limit and X-Forwarded-For (RATE_LIMIT_API_MAX=3, one trusted proxy)', () => {
      let app: TestApp;
      before(async function () {
        this.timeout(120_000);
        app = await startTestApp(this, profile, { RATE_LIMIT_API_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '600', TRUST_PROXY: '1' });
      });
      after(async () => app?.close());

      it('keys a client on the address the trusted proxy saw, whatever the client put leftmost in X-Forwarded-For', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await app.http.get('/api/users').set('X-Forwarded-For', `10.66.0.${i}, 203.0.113.77`)).status);

        expect(statuses).to.deep.equal([401, 401, 401, 429, 429]);
        // The proxy's own entry is the key: another real client is not affected.
        await app.http.get('/api/users').set('X-Forwarded-For', '203.0.113.77, 203.0.113.78').expect(401);
      });

      it('refuses a client over its general limit before reading its body', async () => {
        const client = '203.0.113.90';
        for (let i = 0; i < 3; i++) await app.http.get('/api/users').set('X-Forwarded-For', client).expect(401);

        const malformed = await app.http.post('/api/auth/register').set('X-Forwarded-For', client).set('Content-Type', 'application/json').send('{"name": ');
        const oversized = await app.http.post('/api/auth/register').set('X-Forwarded-For', client).set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(200_000) }));

        expect([malformed.status, oversized.status]).to.deep.equal([429, 429]);
      });
    });
  });
}

describe('e2e :: TRUST_PROXY as a number of trusted proxy hops (embedded profile)', function () {
  this.timeout(60_000);

  it('with 2 hops, keys a client on the address the farther trusted proxy saw', async function () {
    const app = await startTestApp(this, 'embedded', { RATE_LIMIT_API_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '600', TRUST_PROXY: '2' });
    try {
      const statuses: number[] = [];
      // client -> proxy A (appends the client) -> proxy B (appends A, 10.0.0.5) -> us
      for (let i = 0; i < 3; i++) statuses.push((await supertest(app.baseUrl).get('/api/users').set('X-Forwarded-For', `10.77.0.${i}, 192.0.2.44, 10.0.0.5`)).status);
      expect(statuses).to.deep.equal([401, 401, 429]);
      await supertest(app.baseUrl).get('/api/users').set('X-Forwarded-For', '192.0.2.45, 10.0.0.5').expect(401);
    } finally {
      await app.close();
    }
  });
});
