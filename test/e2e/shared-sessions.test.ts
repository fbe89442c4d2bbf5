import { expect } from 'chai';
import { eventually } from '../support/eventually';
import { uniqueDbName } from '../support/services';
import { startTestApp, type TestApp } from '../support/test-app';

const NEW_PASSWORD = 'Saffron-Glacier-Voyage-31';
/** A revoked session's access tokens must fail on every instance within this. */
const WITHIN_MS = 1000;

/**
 * Two API instances on one MongoDB database and one Redis (the production profile scaled out):
 * a session revoked through one instance stops working on the other, whose caches were warm.
 */
describe('e2e :: access tokens across instances (production profile)', function () {
  this.timeout(120_000);
  let a: TestApp;
  let b: TestApp;

  before(async function () {
    const shared = { MONGO_DB: uniqueDbName('nexus_e2e_shared'), REDIS_KEY_PREFIX: `e2e-shared-${process.pid}` };
    a = await startTestApp(this, 'production', shared);
    b = await startTestApp(this, 'production', shared);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  const me = (app: TestApp, token: string) => app.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);
  /** Polls instance `app` until `token` is refused; fails if that takes longer than WITHIN_MS. */
  const refusedSoon = async (app: TestApp, token: string): Promise<void> => {
    const started = Date.now();
    await eventually(async () => ((await me(app, token)).status === 401 ? true : undefined), WITHIN_MS, 'the token refused on the other instance');
    expect(Date.now() - started).to.be.below(WITHIN_MS + 250);
  };

  it('refuses on instance B a token whose session logged out through instance A', async () => {
    const s = await a.newUser('x-logout');
    // Both instances have read (and cached) the user and the session.
    await me(a, s.accessToken).expect(200);
    await me(b, s.accessToken).expect(200);
    await me(b, s.accessToken).expect(200);
    await a.http.post('/api/auth/logout').send({ refreshToken: s.refreshToken }).expect(200);
    await refusedSoon(b, s.accessToken);
    await me(a, s.accessToken).expect(401);
  });

  it('refuses on instance A the family of a refresh token reused through instance B', async () => {
    const s = await a.newUser('x-reuse');
    const next = await a.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(200);
    const successor = next.body.data.accessToken as string;
    await me(a, successor).expect(200);
    await me(b, successor).expect(200);
    await b.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
    await refusedSoon(a, successor);
    await refusedSoon(a, s.accessToken);
  });

  it("refuses on instance B the other sessions' tokens after a password change on instance A", async () => {
    const s = await a.newUser('x-pw');
    const other = await b.login(s.email, s.password);
    await me(b, other.accessToken).expect(200);
    await me(b, s.accessToken).expect(200);
    await a.http.post('/api/auth/password').set('Authorization', s.auth).send({ currentPassword: s.password, newPassword: NEW_PASSWORD }).expect(200);
    await refusedSoon(b, other.accessToken);
    await me(b, s.accessToken).expect(200);
  });
});
