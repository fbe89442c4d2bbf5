import { expect } from 'chai';
import { SignJWT } from 'jose';
import { eventually } from '../support/eventually';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PROFILES, startTestApp, TEST_JWT_SECRET, type TestApp, USER_PASSWORD } from '../support/test-app';

const NEW_PASSWORD = 'Saffron-Glacier-Voyage-31';

for (const profile of PROFILES) {
  describe(`e2e :: auth (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile);
    });
    after(async () => app?.close());

    context('register', () => {
      it('creates an account with the user role and queues its welcome e-mail', async () => {
        const email = `reg.${profile}@example.com`;
        const res = await app.http.post('/api/auth/register').send({ name: 'Reg Istered', email, password: USER_PASSWORD, age: 28 }).expect(201);
        expect(res.body.data.user).to.include({ email, name: 'Reg Istered', age: 28 });
        expect(JSON.stringify(res.body)).to.not.match(/hash|password/i);
        const session = await app.login(email, USER_PASSWORD);
        const me = await app.http.get('/api/auth/me').set('Authorization', session.auth).expect(200);
        expect(me.body.data.roles.map((r: { name: string }) => r.name)).to.deep.equal(['user']);
        expect(me.body.data.permissions).to.deep.equal([]);
        await eventually(() => (app.smtp.to(email).length === 1 ? true : undefined), 10_000, 'welcome mail');
      });

      it('reports every broken password rule, and 409 for a taken e-mail', async () => {
        const weak = await app.http.post('/api/auth/register').send({ name: 'W', email: `weak.${profile}@example.com`, password: 'abcdefgh' }).expect(400);
        expect(weak.body.errors.map((e: { message: string }) => e.message)).to.deep.equal([
          'must contain an uppercase letter',
          'must contain a digit',
          'must contain a symbol',
          'is too easy to guess',
        ]);
        await app.http.post('/api/auth/register').send({ name: 'Dup', email: ADMIN_EMAIL.toUpperCase(), password: USER_PASSWORD }).expect(409);
      });
    });

    context('login', () => {
      it('answers 401 with one message for an unknown e-mail and a wrong password', async () => {
        const unknown = await app.http.post('/api/auth/login').send({ email: `nobody.${profile}@example.com`, password: USER_PASSWORD }).expect(401);
        const wrong = await app.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: 'Wrong-Password-123' }).expect(401);
        expect(unknown.body.message).to.equal(wrong.body.message).and.equal('Invalid email or password');
      });

      it('refuses an operator where the e-mail should be, with 400 and no login', async () => {
        const res = await app.http.post('/api/auth/login').send({ email: { $ne: null }, password: { $gt: '' } }).expect(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).to.have.members(['email.$ne', 'password.$gt']);
      });

      it('returns a token pair and the user, and sets the refresh cookie', async () => {
        const res = await app.agent().post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
        expect(res.body.data).to.include.keys('accessToken', 'refreshToken', 'tokenType', 'expiresIn', 'user');
        expect(res.body.data.tokenType).to.equal('Bearer');
        expect(res.body.data.expiresIn).to.equal(900);
        expect(String(res.headers['set-cookie'])).to.match(/nexus_refresh=[^;]+; path=\/api\/auth;.*httponly/i);
      });
    });

    context('with NODE_ENV=production', () => {
      it('logs in over plain HTTP (TLS ends at the proxy) and marks the refresh cookie Secure', async function () {
        const prod = await startTestApp(this, profile, { NODE_ENV: 'production' });
        try {
          const res = await prod.agent().post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
          expect(String(res.headers['set-cookie'])).to.match(/nexus_refresh=[^;]+;.*secure/i);
          const csrf = await prod.http.get('/api/csrf-token').expect(200);
          expect(String(csrf.headers['set-cookie'])).to.match(/nexus_csrf=[^;]+;.*secure/i);
        } finally {
          await prod.close();
        }
      });
    });

    context('sessions', () => {
      it('rotates refresh tokens and, when a spent one comes back, revokes the whole family', async () => {
        const s = await app.newUser('rotate');
        const first = await app.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(200);
        const second = first.body.data.refreshToken as string;
        expect(second).to.not.equal(s.refreshToken);
        // The stolen (already spent) token comes back:
        const reuse = await app.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
        expect(reuse.body.message).to.include('already used');
        // ...and the legitimate successor is dead too.
        await app.http.post('/api/auth/refresh').send({ refreshToken: second }).expect(401);
        const admin = await app.admin();
        const audit = await app.http.get('/api/audit?action=auth.refresh.reused').set('Authorization', admin.auth).expect(200);
        expect(audit.body.data.items.some((e: { target: { id: string } }) => e.target.id === s.userId)).to.equal(true);
      });

      it('revokes on logout', async () => {
        const s = await app.newUser('logout');
        await app.http.post('/api/auth/logout').send({ refreshToken: s.refreshToken }).expect(200);
        await app.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
      });

      it('guards a cookie-carried refresh with the double-submit CSRF token', async () => {
        const browser = app.agent();
        const s = await app.newUser('cookie');
        await browser.post('/api/auth/login').send({ email: s.email, password: s.password }).expect(200);
        const refused = await browser.post('/api/auth/refresh').send({}).expect(403);
        expect(refused.body.message).to.include('X-CSRF-Token');
        const csrf = await browser.get('/api/csrf-token').expect(200);
        await browser.post('/api/auth/refresh').set('X-CSRF-Token', 'not-the-token').send({}).expect(403);
        const ok = await browser.post('/api/auth/refresh').set('X-CSRF-Token', csrf.body.data.csrfToken).send({}).expect(200);
        expect(ok.body.data.accessToken).to.be.a('string');
      });

      it('answers 401 for an expired, a tampered and a foreign-signed access token', async () => {
        const s = await app.newUser('jwt');
        const key = new TextEncoder().encode(TEST_JWT_SECRET);
        const expired = await new SignJWT({ sid: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject(s.userId).setIssuer('nexus').setAudience('nexus-api').setIssuedAt(1_700_000_000).setExpirationTime(1_700_000_900).sign(key);
        const foreign = await new SignJWT({ sid: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject(s.userId).setIssuer('nexus').setAudience('nexus-api').setExpirationTime('10m').sign(new TextEncoder().encode('another-secret-another-secret-another'));
        const [h, p, sig] = s.accessToken.split('.');
        const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: '0123456789abcdef01234567' })).toString('base64url')}.${sig}`;
        for (const token of [expired, foreign, tampered, 'garbage']) {
          const res = await app.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
          expect(res.headers['www-authenticate']).to.equal('Bearer');
        }
        await app.http.get('/api/auth/me').set('Authorization', s.auth).expect(200);
        await app.http.get('/api/auth/me').expect(401);
      });
    });

    context('access tokens die with their session', () => {
      const me = (token: string) => app.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);

      it('refuses the access token of a session that logged out', async () => {
        const s = await app.newUser('at-logout');
        await me(s.accessToken).expect(200);
        await app.http.post('/api/auth/logout').send({ refreshToken: s.refreshToken }).expect(200);
        const res = await me(s.accessToken).expect(401);
        expect(res.headers['www-authenticate']).to.equal('Bearer');
      });

      it('refuses every access token of a family whose refresh token was reused', async () => {
        const s = await app.newUser('at-reuse');
        const next = await app.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(200);
        const successor = next.body.data.accessToken as string;
        await me(s.accessToken).expect(200);
        await me(successor).expect(200);
        await app.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
        await me(s.accessToken).expect(401);
        await me(successor).expect(401);
      });

      it("refuses the other sessions' access tokens after a password change, and keeps the current one", async () => {
        const s = await app.newUser('at-pw');
        const other = await app.login(s.email, s.password);
        const third = await app.login(s.email, s.password);
        await me(other.accessToken).expect(200);
        await app.http.post('/api/auth/password').set('Authorization', s.auth).send({ currentPassword: s.password, newPassword: NEW_PASSWORD }).expect(200);
        await me(other.accessToken).expect(401);
        await me(third.accessToken).expect(401);
        await me(s.accessToken).expect(200);
      });

      it('keeps working for the sessions that were not revoked', async () => {
        const s = await app.newUser('at-keep');
        const other = await app.login(s.email, s.password);
        await app.http.post('/api/auth/logout').send({ refreshToken: other.refreshToken }).expect(200);
        await me(other.accessToken).expect(401);
        await me(s.accessToken).expect(200);
        const next = await app.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(200);
        await me(next.body.data.accessToken as string).expect(200);
      });

      it('refuses tokens signed with the right key whose claims were forged', async () => {
        const s = await app.newUser('at-forged');
        const victim = await app.newUser('at-victim');
        const key = new TextEncoder().encode(TEST_JWT_SECRET);
        const sidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
        const now = Math.floor(Date.now() / 1000);
        const sign = (claims: { sub?: string; sid?: string; iat?: number; exp: number }) => {
          const jwt = new SignJWT(claims.sid === undefined ? {} : { sid: claims.sid }).setProtectedHeader({ alg: 'HS256' }).setIssuer('nexus').setAudience('nexus-api').setExpirationTime(claims.exp);
          if (claims.sub !== undefined) jwt.setSubject(claims.sub);
          if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
          return jwt.sign(key);
        };
        const sid = sidOf(s.accessToken);
        // The genuine claims re-signed pass, so each refusal below is for the one claim changed.
        await me(await sign({ sub: s.userId, sid, iat: now, exp: now + 600 })).expect(200);
        const forged = {
          'an issue time older than the access TTL (with a far expiry)': { sub: s.userId, sid, iat: now - 3600, exp: now + 3600 },
          'an issue time in the future': { sub: s.userId, sid, iat: now + 120, exp: now + 600 },
          'no issue time': { sub: s.userId, sid, exp: now + 600 },
          'a session that does not exist': { sub: s.userId, sid: '0123456789abcdef01234567', iat: now, exp: now + 600 },
          "another user's session": { sub: s.userId, sid: sidOf(victim.accessToken), iat: now, exp: now + 600 },
          'no session': { sub: s.userId, iat: now, exp: now + 600 },
        };
        for (const [what, claims] of Object.entries(forged)) {
          const res = await me(await sign(claims));
          expect(res.status, what).to.equal(401);
        }
        await me(s.accessToken).expect(200);
        await me(victim.accessToken).expect(200);
      });

      it('still stops the tokens of a deleted or suspended user at once', async () => {
        const admin = await app.admin();
        const gone = await app.newUser('at-deleted');
        const paused = await app.newUser('at-suspended');
        await me(gone.accessToken).expect(200);
        await me(paused.accessToken).expect(200);
        await app.http.delete(`/api/users/${gone.userId}`).set('Authorization', admin.auth).expect(200);
        await app.http.patch(`/api/users/${paused.userId}`).set('Authorization', admin.auth).send({ status: 'suspended' }).expect(200);
        await me(gone.accessToken).expect(401);
        await me(paused.accessToken).expect(401);
        // Restoring the account does not revive the sessions its deletion ended.
        await app.http.post(`/api/users/${gone.userId}/restore`).set('Authorization', admin.auth).expect(200);
        await me(gone.accessToken).expect(401);
      });
    });

    context('change password', () => {
      it('refuses a wrong current password, a weak one and a recent one; then revokes the other sessions', async () => {
        const s = await app.newUser('pw');
        const other = await app.login(s.email, s.password);
        const wrong = await app.http.post('/api/auth/password').set('Authorization', s.auth).send({ currentPassword: 'Not-It-123!', newPassword: NEW_PASSWORD }).expect(400);
        expect(wrong.body.errors).to.deep.equal([{ path: 'currentPassword', message: 'is not correct' }]);
        const weak = await app.http.post('/api/auth/password').set('Authorization', s.auth).send({ currentPassword: s.password, newPassword: 'password' }).expect(400);
        expect(weak.body.errors.every((e: { path: string }) => e.path === 'newPassword')).to.equal(true);
        const same = await app.http.post('/api/auth/password').set('Authorization', s.auth).send({ currentPassword: s.password, newPassword: s.password }).expect(400);
        expect(same.body.errors).to.deep.equal([{ path: 'newPassword', message: 'must differ from your last 5 passwords' }]);

        await app.http.post('/api/auth/password').set('Authorization', s.auth).send({ currentPassword: s.password, newPassword: NEW_PASSWORD }).expect(200);
        await app.http.post('/api/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
        await app.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(200);
        await app.http.post('/api/auth/login').send({ email: s.email, password: s.password }).expect(401);
        await app.login(s.email, NEW_PASSWORD);
        // Back to the first password: still remembered.
        const back = await app.http.post('/api/auth/password').set('Authorization', s.auth).send({ currentPassword: NEW_PASSWORD, newPassword: s.password }).expect(400);
        expect(back.body.errors[0].message).to.equal('must differ from your last 5 passwords');
      });
    });
  });
}
