import { expect } from 'chai';
import { Busy } from '../../src/application/ports/busy';
import type { PasswordHasher } from '../../src/application/ports/password-hasher.port';
import { FastPasswordHasher } from '../support/fast-hasher';
import { capturingLogger } from '../support/logger';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PROFILES, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

/** A hasher that refuses with Busy, as the argon2 pool does when its queue is full, while `full`. */
class SwitchableHasher implements PasswordHasher {
  full = false;
  private readonly inner = new FastPasswordHasher();

  hash(password: string): Promise<string> {
    return this.full ? Promise.reject(new Busy('password hashing')) : this.inner.hash(password);
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.full ? Promise.reject(new Busy('password hashing')) : this.inner.verify(hash, password);
  }
}

/**
 * When the password hasher's pool is full, a request that needs it is answered at once with 503
 * and Retry-After (the pool's bound, see argon2-password-hasher.ts), changes nothing, and never
 * counts as a failed credential check.
 */
for (const profile of PROFILES) {
  describe(`e2e :: a full password hasher (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;
    const hasher = new SwitchableHasher();
    const log = capturingLogger();

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile, { RATE_LIMIT_AUTH_MAX: '2', ACCOUNT_LOCK_THRESHOLD: '2', RATE_LIMIT_WINDOW_SECONDS: '600' }, log.logger, { passwordHasher: hasher });
    });
    afterEach(() => (hasher.full = false));
    after(async () => app?.close());

    it('answers a registration with 503 and Retry-After, creates nothing, and takes the same registration once there is room', async () => {
      const body = { name: 'Busy Day', email: `busy.${profile}@example.com`, password: USER_PASSWORD };
      hasher.full = true;
      const refused = await app.http.post('/api/auth/register').send(body);
      expect(refused.status).to.equal(503);
      expect(refused.headers['retry-after']).to.equal('1');
      expect(refused.body).to.include({ success: false, statusCode: 503 });
      expect(refused.body.message).to.match(/busy/i);
      expect(JSON.stringify(log.lines().filter((l) => l['level'] === 'error'))).to.not.include('unhandled error');

      hasher.full = false;
      const accepted = await app.http.post('/api/auth/register').send(body);
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
    });

    it('answers a login with 503, not 401, and does not count it toward the auth limit', async () => {
      hasher.full = true;
      for (let i = 0; i < 4; i++) {
        const res = await app.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
        expect(res.status).to.equal(503);
        expect(res.headers['retry-after']).to.equal('1');
      }
      hasher.full = false;
      // RATE_LIMIT_AUTH_MAX=2 and ACCOUNT_LOCK_THRESHOLD=2: had the four refusals counted, or
      // kept the account's places for password checks, this client would now get 429 or 401.
      expect((await app.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).to.equal(200);
      expect((await app.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: 'Wrong-Password-1!' })).status).to.equal(401);
    });

    it('answers a password change with 503, changes nothing, and keeps none of the account\'s places for password checks', async () => {
      const ada = await app.newUser('busy-change');
      hasher.full = true;
      for (let i = 0; i < 3; i++) {
        const res = await app.http.post('/api/auth/password').set('Authorization', ada.auth).send({ currentPassword: ada.password, newPassword: 'Another-Lighthouse-77!' });
        expect(res.status).to.equal(503);
      }
      hasher.full = false;
      // ACCOUNT_LOCK_THRESHOLD=2: had a refused check kept its place, the right password would now be refused.
      expect((await app.http.post('/api/auth/login').send({ email: ada.email, password: ada.password })).status).to.equal(200);
    });

    it('answers an unknown e-mail with 401 again once there is room (a refused dummy hash is not kept)', async () => {
      const stranger = { email: `nobody.${profile}@example.com`, password: 'Whatever-Password-1!' };
      hasher.full = true;
      expect((await app.http.post('/api/auth/login').send(stranger)).status).to.equal(503);
      hasher.full = false;
      expect((await app.http.post('/api/auth/login').send(stranger)).status).to.equal(401);
    });
  });
}
