import { expect } from 'chai';
import type { Clock } from '../../src/application/ports/clock.port';
import { eventually } from '../support/eventually';
import { silentLogger } from '../support/logger';
import { uniqueDbName } from '../support/services';
import { ADMIN_PASSWORD, PROFILES, type Session, startTestApp, type TestApp } from '../support/test-app';

/** A revoked session's access tokens must fail on every instance within this. */
const WITHIN_MS = 1000;

const sidOf = (accessToken: string): string => (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

interface ListedSession {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

/** Logs in as a client behind the (one, trusted) proxy would: its user agent, its address in X-Forwarded-For. */
const loginFrom = async (app: TestApp, email: string, password: string, client: { userAgent: string; ip: string }): Promise<Session> => {
  const res = await app.agent().post('/api/auth/login').set('User-Agent', client.userAgent).set('X-Forwarded-For', client.ip).send({ email, password }).expect(200);
  const d = res.body.data as { accessToken: string; refreshToken: string; user: { id: string } };
  return { accessToken: d.accessToken, refreshToken: d.refreshToken, userId: d.user.id, auth: `Bearer ${d.accessToken}` };
};

for (const profile of PROFILES) {
  describe(`e2e :: sessions (${profile} profile)`, function () {
    this.timeout(90_000);
    let app: TestApp;
    let root: Session;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile, { TRUST_PROXY: '1' });
      root = await app.admin();
    });
    after(async () => app?.close());

    const me = (token: string) => app.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);
    const refresh = (refreshToken: string) => app.http.post('/api/auth/refresh').send({ refreshToken });
    const listOwn = async (s: Session): Promise<ListedSession[]> => (await app.http.get('/api/auth/sessions').set('Authorization', s.auth).expect(200)).body.data as ListedSession[];
    const auditOf = async (action: string, targetId: string) =>
      ((await app.http.get(`/api/audit?action=${action}&limit=100`).set('Authorization', root.auth).expect(200)).body.data.items as { actorId: string; target: { id: string }; after: Record<string, unknown> }[]).filter(
        (e) => e.target.id === targetId,
      );
    /** A user with two more sessions from other clients: [the one used, laptop, phone]. */
    const threeSessions = async (tag: string) => {
      const u = await app.newUser(tag);
      const laptop = await loginFrom(app, u.email, u.password, { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', ip: '198.51.100.23' });
      const phone = await loginFrom(app, u.email, u.password, { userAgent: 'Mozilla/5.0 (iPhone) Safari/604.1', ip: '2001:db8::7' });
      return { u, laptop, phone };
    };

    context('GET /api/auth/sessions', () => {
      it('lists the caller\'s live sessions with their client (as the trusted proxy saw it), dates, and which one is current', async () => {
        const { u, laptop, phone } = await threeSessions('list');
        const before = Date.now();
        const listed = await listOwn(laptop);
        expect(listed.map((s) => s.id)).to.have.members([sidOf(u.accessToken), sidOf(laptop.accessToken), sidOf(phone.accessToken)]);
        for (const s of listed) {
          expect(s).to.have.all.keys('id', 'createdAt', 'lastUsedAt', 'userAgent', 'ip', 'current');
          expect(new Date(s.createdAt).getTime()).to.be.at.most(before);
          expect(new Date(s.lastUsedAt).getTime()).to.be.at.least(new Date(s.createdAt).getTime());
        }
        expect(listed.filter((s) => s.current).map((s) => s.id)).to.deep.equal([sidOf(laptop.accessToken)]);
        expect(listed.find((s) => s.id === sidOf(laptop.accessToken))).to.include({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', ip: '198.51.100.23' });
        expect(listed.find((s) => s.id === sidOf(phone.accessToken))).to.include({ userAgent: 'Mozilla/5.0 (iPhone) Safari/604.1', ip: '2001:db8::7' });
        // No token material, and nobody else's sessions.
        const text = JSON.stringify(listed);
        for (const secret of [u.refreshToken, laptop.refreshToken, phone.refreshToken, u.accessToken]) expect(text).to.not.include(secret);
        expect(listed.map((s) => s.id)).to.not.include(sidOf(root.accessToken));
      });

      it('keeps a session listed once, with its login client, across refreshes; drops it once it has ended', async () => {
        const { u, laptop } = await threeSessions('rotate');
        const next = (await refresh(laptop.refreshToken).expect(200)).body.data as { refreshToken: string };
        await refresh(next.refreshToken).expect(200);
        const listed = await listOwn(u);
        expect(listed.filter((s) => s.id === sidOf(laptop.accessToken))).to.have.length(1);
        expect(listed.find((s) => s.id === sidOf(laptop.accessToken))).to.include({ ip: '198.51.100.23' });
        await app.http.post('/api/auth/logout').send({ refreshToken: u.refreshToken }).expect(200);
        expect((await listOwn(laptop)).map((s) => s.id)).to.not.include(sidOf(u.accessToken));
      });
    });

    context('DELETE /api/auth/sessions/:id', () => {
      it('ends one own session: its access token is refused at its next request, its refresh token too, and it is audited', async () => {
        const { u, laptop, phone } = await threeSessions('end-one');
        await me(phone.accessToken).expect(200);
        const res = await app.http.delete(`/api/auth/sessions/${sidOf(phone.accessToken)}`).set('Authorization', laptop.auth).expect(200);
        expect(res.body.data).to.deep.equal({ id: sidOf(phone.accessToken), ended: true, current: false });
        await me(phone.accessToken).expect(401);
        await refresh(phone.refreshToken).expect(401);
        await me(laptop.accessToken).expect(200);
        await me(u.accessToken).expect(200);
        expect((await listOwn(laptop)).map((s) => s.id)).to.have.members([sidOf(u.accessToken), sidOf(laptop.accessToken)]);

        const entries = await auditOf('auth.session.revoked', u.userId);
        expect(entries).to.have.length(1);
        expect(entries[0]).to.deep.include({ actorId: u.userId, after: { sessionId: sidOf(phone.accessToken), reason: 'ended-by-owner', current: false } });
        expect(JSON.stringify(entries)).to.not.include(phone.refreshToken).and.not.include(phone.accessToken);
      });

      it('ends the current session too when asked to, and then the caller is signed out', async () => {
        const u = await app.newUser('end-self');
        const res = await app.http.delete(`/api/auth/sessions/${sidOf(u.accessToken)}`).set('Authorization', u.auth).expect(200);
        expect(res.body.data.current).to.equal(true);
        await me(u.accessToken).expect(401);
        await refresh(u.refreshToken).expect(401);
      });

      it("answers 404 for someone else's session, an unknown or ended one, and 400 for a malformed id, changing nothing", async () => {
        const { u, phone } = await threeSessions('end-other');
        const stranger = await app.newUser('stranger');
        const theirs = await app.http.delete(`/api/auth/sessions/${sidOf(phone.accessToken)}`).set('Authorization', stranger.auth).expect(404);
        const unknown = await app.http.delete('/api/auth/sessions/0123456789abcdef01234567').set('Authorization', stranger.auth).expect(404);
        expect(theirs.body.message).to.equal(unknown.body.message).and.equal('Session not found');
        await me(phone.accessToken).expect(200);
        await refresh(phone.refreshToken).expect(200);
        await app.http.delete(`/api/auth/sessions/${sidOf(root.accessToken)}`).set('Authorization', u.auth).expect(404);
        await me(root.accessToken).expect(200);

        const bad = await app.http.delete('/api/auth/sessions/not-a-session').set('Authorization', u.auth).expect(400);
        expect(bad.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['id']);
        await app.http.post('/api/auth/logout').send({ refreshToken: u.refreshToken }).expect(200);
        const other = await app.login(u.email, u.password);
        await app.http.delete(`/api/auth/sessions/${sidOf(u.accessToken)}`).set('Authorization', other.auth).expect(404);
        expect(await auditOf('auth.session.revoked', stranger.userId)).to.deep.equal([]);
      });
    });

    context('DELETE /api/auth/sessions', () => {
      it('ends every other session and answers how many; the current one keeps working', async () => {
        const { u, laptop, phone } = await threeSessions('end-others');
        await me(phone.accessToken).expect(200);
        const res = await app.http.delete('/api/auth/sessions').set('Authorization', laptop.auth).expect(200);
        expect(res.body.data).to.deep.equal({ ended: 2 });
        for (const s of [u, phone]) {
          await me(s.accessToken).expect(401);
          await refresh(s.refreshToken).expect(401);
        }
        await me(laptop.accessToken).expect(200);
        expect((await listOwn(laptop)).map((s) => s.id)).to.deep.equal([sidOf(laptop.accessToken)]);
        expect((await app.http.delete('/api/auth/sessions?includeCurrent=false').set('Authorization', laptop.auth).expect(200)).body.data).to.deep.equal({ ended: 0 });
        const [entry] = await auditOf('auth.sessions.revoked', u.userId);
        expect(entry?.actorId).to.equal(u.userId);
        expect(entry?.after).to.deep.include({ includeCurrent: false });
      });

      it('with ?includeCurrent=true ends every session, the current one included', async () => {
        const { u, laptop, phone } = await threeSessions('end-all');
        const res = await app.http.delete('/api/auth/sessions?includeCurrent=true').set('Authorization', laptop.auth).expect(200);
        expect(res.body.data).to.deep.equal({ ended: 3 });
        for (const s of [u, laptop, phone]) {
          await me(s.accessToken).expect(401);
          await refresh(s.refreshToken).expect(401);
        }
      });

      it('refuses a bad or unknown query parameter with a 400 naming it, and ends nothing', async () => {
        const { u, laptop, phone } = await threeSessions('end-bad');
        for (const [query, path] of [
          ['includeCurrent=yes', 'includeCurrent'],
          ['includeCurrent=TRUE', 'includeCurrent'],
          ['includeCurrent=true&includeCurrent=true', 'includeCurrent'],
          ['everything=true', 'everything'],
        ] as const) {
          const res = await app.http.delete(`/api/auth/sessions?${query}`).set('Authorization', laptop.auth).expect(400);
          expect(res.body.errors.map((e: { path: string }) => e.path), query).to.deep.equal([path]);
        }
        for (const s of [u, laptop, phone]) await me(s.accessToken).expect(200);
        expect(await listOwn(u)).to.have.length(3);
      });
    });

    context('an API key never manages sessions', () => {
      it('is refused every session route with 403, whatever its scope, and ends nothing', async () => {
        const everything = (await app.http.post('/api/api-keys').set('Authorization', root.auth).send({ name: 'sessions-all', permissions: [{ resource: '*', action: '*' }] }).expect(201)).body.data.key as string;
        const scoped = (await app.http.post('/api/api-keys').set('Authorization', root.auth).send({ name: 'sessions-manage', permissions: [{ resource: 'sessions', action: 'manage' }] }).expect(201)).body.data.key as string;
        const { u, phone } = await threeSessions('by-key');
        for (const key of [everything, scoped]) {
          for (const [method, path] of [
            ['get', '/api/auth/sessions'],
            ['delete', '/api/auth/sessions'],
            ['delete', '/api/auth/sessions?includeCurrent=true'],
            ['delete', `/api/auth/sessions/${sidOf(root.accessToken)}`],
            ['get', `/api/users/${u.userId}/sessions`],
            ['delete', `/api/users/${u.userId}/sessions`],
          ] as const) {
            const res = await app.http[method](path).set('X-API-Key', key);
            expect(res.status, `${method} ${path}`).to.equal(403);
            expect(res.body.message).to.match(/API key.*credentials/);
          }
        }
        await me(root.accessToken).expect(200);
        await me(phone.accessToken).expect(200);
        await me(u.accessToken).expect(200);
      });

      it('answers 401 without credentials', async () => {
        await app.http.get('/api/auth/sessions').expect(401);
        await app.http.delete('/api/auth/sessions').expect(401);
        await app.http.delete('/api/auth/sessions/0123456789abcdef01234567').expect(401);
        await app.http.get(`/api/users/${root.userId}/sessions`).expect(401);
        await app.http.delete(`/api/users/${root.userId}/sessions`).expect(401);
      });
    });

    context('an administrator and someone else\'s sessions (sessions:manage)', () => {
      let manager: Session;
      before(async () => {
        const role = await app.http
          .post('/api/roles')
          .set('Authorization', root.auth)
          .send({ name: 'session-manager', permissions: [{ resource: 'sessions', action: 'manage' }] })
          .expect(201);
        manager = await app.newUser('session-manager');
        await app.http.post(`/api/users/${manager.userId}/roles`).set('Authorization', root.auth).send({ roleId: role.body.data.id }).expect(200);
      });

      it('lets the admin role (*:*) list and end every session of a user, audited with who and whose', async () => {
        const { u, laptop, phone } = await threeSessions('admin-ends');
        const listed = (await app.http.get(`/api/users/${u.userId}/sessions`).set('Authorization', root.auth).expect(200)).body.data as ListedSession[];
        expect(listed.map((s) => s.id)).to.have.members([sidOf(u.accessToken), sidOf(laptop.accessToken), sidOf(phone.accessToken)]);
        expect(listed.every((s) => !s.current)).to.equal(true);
        expect(listed.find((s) => s.id === sidOf(phone.accessToken))).to.include({ ip: '2001:db8::7' });

        await me(phone.accessToken).expect(200);
        const res = await app.http.delete(`/api/users/${u.userId}/sessions`).set('Authorization', root.auth).expect(200);
        expect(res.body.data).to.deep.equal({ ended: 3 });
        for (const s of [u, laptop, phone]) {
          await me(s.accessToken).expect(401);
          await refresh(s.refreshToken).expect(401);
        }
        expect((await app.http.get(`/api/users/${u.userId}/sessions`).set('Authorization', root.auth).expect(200)).body.data).to.deep.equal([]);
        await me(root.accessToken).expect(200);
        const [entry] = await auditOf('auth.sessions.revoked', u.userId);
        expect(entry?.actorId).to.equal(root.userId);
        expect((entry?.after['sessionIds'] as string[]).slice().sort()).to.deep.equal([sidOf(u.accessToken), sidOf(laptop.accessToken), sidOf(phone.accessToken)].sort());
        // The user signs in again as usual.
        await app.login(u.email, u.password);
      });

      it('lets a delegated manager with sessions:manage reach an ordinary user, never one above them (403), changing nothing', async () => {
        const plain = await app.newUser('managed');
        expect((await app.http.get(`/api/users/${plain.userId}/sessions`).set('Authorization', manager.auth).expect(200)).body.data).to.have.length(1);
        const above = await app.http.get(`/api/users/${root.userId}/sessions`).set('Authorization', manager.auth).expect(403);
        expect(above.body.message).to.match(/\*:\*/);
        await app.http.delete(`/api/users/${root.userId}/sessions`).set('Authorization', manager.auth).expect(403);
        await me(root.accessToken).expect(200);
        expect((await app.http.delete(`/api/users/${plain.userId}/sessions`).set('Authorization', manager.auth).expect(200)).body.data).to.deep.equal({ ended: 1 });
        await me(plain.accessToken).expect(401);
      });

      it('refuses someone without sessions:manage (403), and answers 404 for an unknown or deleted user, 400 for a bad id', async () => {
        const plain = await app.newUser('no-permission');
        const victim = await app.newUser('their-victim');
        const denied = await app.http.get(`/api/users/${victim.userId}/sessions`).set('Authorization', plain.auth).expect(403);
        expect(denied.body.message).to.match(/sessions:manage/);
        await app.http.delete(`/api/users/${victim.userId}/sessions`).set('Authorization', plain.auth).expect(403);
        // Not even for one's own account: that is /api/auth/sessions.
        await app.http.get(`/api/users/${plain.userId}/sessions`).set('Authorization', plain.auth).expect(403);
        await me(victim.accessToken).expect(200);

        await app.http.get('/api/users/0123456789abcdef01234567/sessions').set('Authorization', root.auth).expect(404);
        await app.http.delete('/api/users/0123456789abcdef01234567/sessions').set('Authorization', root.auth).expect(404);
        await app.http.delete(`/api/users/${victim.userId}`).set('Authorization', root.auth).expect(200);
        await app.http.get(`/api/users/${victim.userId}/sessions`).set('Authorization', root.auth).expect(404);
        const bad = await app.http.get('/api/users/nope/sessions').set('Authorization', root.auth).expect(400);
        expect(bad.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['id']);
      });

      it('ends the administrator\'s own sessions too when aimed at their own account', async () => {
        const second = await app.login('root@nexus.test', ADMIN_PASSWORD);
        const third = await app.login('root@nexus.test', ADMIN_PASSWORD);
        const res = await app.http.delete(`/api/users/${second.userId}/sessions`).set('Authorization', second.auth).expect(200);
        expect(res.body.data.ended).to.be.at.least(2);
        await me(second.accessToken).expect(401);
        await me(third.accessToken).expect(401);
        root = await app.admin();
      });
    });
  });
}

/** A clock the test moves: the app stamps and checks tokens and sessions on it. */
class ManualClock implements Clock {
  private t = Date.now();
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

for (const profile of PROFILES) {
  describe(`e2e :: the last use of a session (${profile} profile)`, function () {
    this.timeout(90_000);
    const clock = new ManualClock();
    let app: TestApp;
    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile, {}, silentLogger(), { clock });
    });
    after(async () => app?.close());

    const lastUsedAt = async (s: Session, sid: string): Promise<number | undefined> => {
      const listed = (await app.http.get('/api/auth/sessions').set('Authorization', s.auth).expect(200)).body.data as ListedSession[];
      const found = listed.find((l) => l.id === sid);
      return found ? new Date(found.lastUsedAt).getTime() : undefined;
    };

    it('records a request after a minute, and a refresh, but not every request', async () => {
      const u = await app.newUser('last-use');
      const sid = sidOf(u.accessToken);
      const loggedIn = await lastUsedAt(u, sid);
      expect(loggedIn).to.equal(clock.now().getTime());
      clock.advance(30_000);
      await app.http.get('/api/auth/me').set('Authorization', u.auth).expect(200);
      expect(await lastUsedAt(u, sid)).to.equal(loggedIn);

      clock.advance(31_000);
      const usedAt = clock.now().getTime();
      await app.http.get('/api/auth/me').set('Authorization', u.auth).expect(200);
      // Written off the request's path: it lands just after the answer.
      await eventually(async () => ((await lastUsedAt(u, sid)) === usedAt ? true : undefined), 5000, 'lastUsedAt recorded');

      clock.advance(120_000);
      const refreshedAt = clock.now().getTime();
      const next = (await app.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200)).body.data as { accessToken: string };
      expect(await lastUsedAt({ ...u, auth: `Bearer ${next.accessToken}` }, sid)).to.equal(refreshedAt);
    });
  });
}

/**
 * Two API instances on one MongoDB database and one Redis: a session ended through one instance
 * stops on the other, whose caches were warm, within a second.
 */
describe('e2e :: ending sessions across instances (production profile)', function () {
  this.timeout(120_000);
  let a: TestApp;
  let b: TestApp;

  before(async function () {
    const shared = { MONGO_DB: uniqueDbName('nexus_e2e_sessions'), REDIS_KEY_PREFIX: `e2e-sessions-${process.pid}` };
    a = await startTestApp(this, 'production', shared);
    b = await startTestApp(this, 'production', shared);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  const me = (app: TestApp, token: string) => app.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  const refusedSoon = async (app: TestApp, token: string): Promise<void> => {
    const started = Date.now();
    await eventually(async () => ((await me(app, token)).status === 401 ? true : undefined), WITHIN_MS, 'the token refused on the other instance');
    expect(Date.now() - started).to.be.below(WITHIN_MS + 250);
  };

  it('refuses on instance B the token of a session ended through instance A, and its refresh token', async () => {
    const s = await a.newUser('x-end-one');
    const other = await b.login(s.email, s.password);
    await me(b, other.accessToken).expect(200);
    await me(b, other.accessToken).expect(200);
    await a.http.delete(`/api/auth/sessions/${sidOf(other.accessToken)}`).set('Authorization', s.auth).expect(200);
    await refusedSoon(b, other.accessToken);
    await b.http.post('/api/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
    await me(b, s.accessToken).expect(200);
  });

  it("refuses on instance B every token of a user whose sessions an administrator ended on instance A", async () => {
    const root = await a.admin();
    const s = await a.newUser('x-end-all');
    const other = await b.login(s.email, s.password);
    await me(b, s.accessToken).expect(200);
    await me(b, other.accessToken).expect(200);
    await a.http.delete(`/api/users/${s.userId}/sessions`).set('Authorization', root.auth).expect(200);
    await refusedSoon(b, s.accessToken);
    await refusedSoon(b, other.accessToken);
    expect((await b.http.get('/api/auth/sessions').set('Authorization', root.auth).expect(200)).body.data.length).to.be.at.least(1);
  });
});
