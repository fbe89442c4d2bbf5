import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../src/application/ports/clock.port';
import { capturingLogger } from '../support/logger';
import { uniqueDbName } from '../support/services';
import { PROFILES, type Session, startTestApp, type TestApp } from '../support/test-app';

const STEP_MS = 30_000;

/**
 * The server's clock, standing still in the middle of a time step until a test moves it (each
 * login of an account needs a step of its own), so no check runs across a step boundary.
 */
class SteppedClock implements Clock {
  offsetMs = Math.floor(Date.now() / STEP_MS) * STEP_MS + STEP_MS / 2;
  now(): Date {
    return new Date(this.offsetMs);
  }
}
/** The code of `secret` at `ms` (unix milliseconds), as an authenticator app computes it. */
const codeAt = (secret: string, ms: number): string => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms });
/** A six-digit code that is none of the valid ones around `ms`. */
const wrongCodeAt = (secret: string, ms: number): string => {
  const valid = new Set([-2, -1, 0, 1, 2].map((k) => codeAt(secret, ms + k * STEP_MS)));
  for (let n = 123_456; ; n = (n + 7_919) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
};

interface Enrolled extends Session {
  readonly email: string;
  readonly password: string;
  readonly secret: string;
  readonly recoveryCodes: string[];
}

for (const profile of PROFILES) {
  describe(`e2e :: TOTP two-factor login (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;
    const clock = new SteppedClock();
    const captured = capturingLogger();
    /** Every secret, code and token the server handed out: none may be stored or logged as it is. */
    const handedOut: string[] = [];

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile, {}, captured.logger, { clock });
    });
    after(async () => app?.close());

    const now = () => clock.now().getTime();
    /** Moves the server to the next time step and answers its code. */
    const nextCode = (secret: string): string => {
      clock.offsetMs += STEP_MS;
      return codeAt(secret, now());
    };
    const me = (s: { auth: string }) => app.http.get('/api/auth/me').set('Authorization', s.auth);

    const enrolled = async (tag: string): Promise<Enrolled> => {
      const s = await app.newUser(tag);
      const started = await app.http.post('/api/auth/mfa/totp').set('Authorization', s.auth).expect(200);
      const secret = started.body.data.secret as string;
      const confirmed = await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', s.auth).send({ code: nextCode(secret) }).expect(200);
      const recoveryCodes = confirmed.body.data.recoveryCodes as string[];
      handedOut.push(secret, ...recoveryCodes, ...recoveryCodes.map((c) => c.replace(/-/g, '')));
      return { ...s, secret, recoveryCodes };
    };
    const passwordStep = async (u: { email: string; password: string }): Promise<string> => {
      const res = await app.agent().post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
      expect(res.body.data.mfaRequired).to.equal(true);
      handedOut.push(res.body.data.mfaToken as string);
      return res.body.data.mfaToken as string;
    };
    const mfaStep = (body: Record<string, unknown>) => app.agent().post('/api/auth/login/mfa').send(body);
    const audit = async (action: string, userId: string) => {
      const admin = await app.admin();
      const res = await app.http.get(`/api/audit?action=${action}&limit=100`).set('Authorization', admin.auth).expect(200);
      return (res.body.data.items as { target: { id: string }; actorId: string | null; after?: Record<string, unknown> }[]).filter((e) => e.target.id === userId);
    };

    it('enrols with a base32 secret and otpauth URL, replaces a pending enrolment, and turns on with a current code and 10 recovery codes', async () => {
      const s = await app.newUser('enrol');
      expect((await me(s)).body.data.mfaEnabled).to.equal(false);
      const first = await app.http.post('/api/auth/mfa/totp').set('Authorization', s.auth).expect(200);
      const { secret: firstSecret, otpauthUrl } = first.body.data as { secret: string; otpauthUrl: string };
      expect(firstSecret).to.match(/^[A-Z2-7]{32}$/);
      const url = new URL(otpauthUrl);
      expect(url.protocol).to.equal('otpauth:');
      expect(url.host).to.equal('totp');
      expect(decodeURIComponent(url.pathname)).to.equal(`/Nexus:${s.email}`);
      expect(Object.fromEntries(url.searchParams)).to.deep.equal({ issuer: 'Nexus', secret: firstSecret, algorithm: 'SHA1', digits: '6', period: '30' });

      // Starting again replaces the pending secret: a code of the first one no longer confirms.
      const second = await app.http.post('/api/auth/mfa/totp').set('Authorization', s.auth).send({}).expect(200);
      const secret = second.body.data.secret as string;
      handedOut.push(firstSecret, secret);
      expect(secret).to.not.equal(firstSecret);
      const stale = await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', s.auth).send({ code: codeAt(firstSecret, now()) }).expect(400);
      expect(stale.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['code']);
      const wrong = await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', s.auth).send({ code: wrongCodeAt(secret, now()) }).expect(400);
      expect(wrong.body.errors[0]).to.deep.include({ path: 'code' });
      const malformed = await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', s.auth).send({ code: '12345' }).expect(400);
      expect(malformed.body.errors[0]).to.deep.include({ path: 'code' });
      expect((await me(s)).body.data.mfaEnabled).to.equal(false);

      const confirmed = await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', s.auth).send({ code: codeAt(secret, now()) }).expect(200);
      const codes = confirmed.body.data.recoveryCodes as string[];
      handedOut.push(...codes);
      expect(codes).to.have.length(10);
      expect(new Set(codes).size).to.equal(10);
      for (const c of codes) expect(c).to.match(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
      expect((await me(s)).body.data.mfaEnabled).to.equal(true);

      // On now: no second enrolment, no second confirmation.
      await app.http.post('/api/auth/mfa/totp').set('Authorization', s.auth).expect(409);
      await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', s.auth).send({ code: nextCode(secret) }).expect(409);
      expect(await audit('auth.mfa.enrolment.started', s.userId)).to.have.length(2);
      expect(await audit('auth.mfa.enabled', s.userId)).to.have.length(1);
      expect(await audit('auth.mfa.failed', s.userId)).to.have.length(2);
    });

    it('answers a correct password with mfaRequired and an mfaToken only: no tokens, no cookies', async () => {
      const u = await enrolled('challenge');
      const res = await app.agent().post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
      expect(res.body.data).to.have.all.keys('mfaRequired', 'mfaToken', 'mfaExpiresIn');
      expect(res.body.data).to.include({ mfaRequired: true, mfaExpiresIn: 300 });
      expect(res.body.data.mfaToken).to.match(/^[\w-]{43}$/);
      expect(res.headers['set-cookie']).to.equal(undefined);
      // A wrong password is still the one 401 of every login.
      await app.agent().post('/api/auth/login').send({ email: u.email, password: 'Wrong-Password-123' }).expect(401);
    });

    it('completes the login with a current code, sets the login cookies, and never takes the same code twice', async () => {
      const u = await enrolled('complete');
      const token = await passwordStep(u);
      const code = nextCode(u.secret);
      const res = await mfaStep({ mfaToken: token, code }).expect(200);
      expect(res.body.data).to.include.keys('accessToken', 'refreshToken', 'tokenType', 'expiresIn', 'refreshExpiresIn', 'user');
      expect(res.body.data.user.id).to.equal(u.userId);
      expect(String(res.headers['set-cookie'])).to.match(/nexus_refresh=[^;]+; path=\/api\/auth;.*httponly/i);
      expect(String(res.headers['set-cookie'])).to.match(/nexus_csrf=/);
      await me({ auth: `Bearer ${res.body.data.accessToken}` }).expect(200);
      const succeeded = await audit('auth.login.succeeded', u.userId);
      expect(succeeded.some((e) => e.after?.['method'] === 'mfa' && e.after['factor'] === 'totp')).to.equal(true);

      // The same code again (same step), with a fresh mfaToken: refused, and audited.
      const replay = await mfaStep({ mfaToken: await passwordStep(u), code }).expect(401);
      expect(replay.body.errors).to.deep.equal([{ path: 'code', message: 'is not a valid code (or was already used)' }]);
      const failed = await audit('auth.mfa.failed', u.userId);
      expect(failed.some((e) => e.after?.['reason'] === 'replayed-code')).to.equal(true);
    });

    it('counts wrong codes toward the account lockout: after 10, the password and even the right code are refused like wrong ones', async () => {
      const u = await enrolled('lockout');
      const token = await passwordStep(u);
      for (let i = 0; i < 10; i++) await mfaStep({ mfaToken: token, code: wrongCodeAt(u.secret, now()) }).expect(401);
      expect(await audit('auth.lockout', u.userId)).to.have.length(1);
      const wrongPassword = await app.agent().post('/api/auth/login').send({ email: u.email, password: 'Wrong-Password-1!' }).expect(401);
      const rightPassword = await app.agent().post('/api/auth/login').send({ email: u.email, password: u.password }).expect(401);
      expect(rightPassword.body.message).to.equal(wrongPassword.body.message);
      await mfaStep({ mfaToken: token, code: nextCode(u.secret) }).expect(401);
      const admin = await app.admin();
      await app.http.post(`/api/users/${u.userId}/unlock`).set('Authorization', admin.auth).expect(200);
      await mfaStep({ mfaToken: await passwordStep(u), code: nextCode(u.secret) }).expect(200);
    });

    it('accepts a code one step either side of now, refuses one two steps away, and a wrong one', async () => {
      const u = await enrolled('window');
      clock.offsetMs += 3 * STEP_MS;
      const token = await passwordStep(u);
      const twoBack = codeAt(u.secret, now() - 2 * STEP_MS);
      const twoAhead = codeAt(u.secret, now() + 2 * STEP_MS);
      const valid = [-1, 0, 1].map((k) => codeAt(u.secret, now() + k * STEP_MS));
      if (!valid.includes(twoBack)) await mfaStep({ mfaToken: token, code: twoBack }).expect(401);
      if (!valid.includes(twoAhead)) await mfaStep({ mfaToken: token, code: twoAhead }).expect(401);
      await mfaStep({ mfaToken: token, code: wrongCodeAt(u.secret, now()) }).expect(401);
      // Wrong codes do not spend the token: the previous step's code still completes it.
      await mfaStep({ mfaToken: token, code: codeAt(u.secret, now() - STEP_MS) }).expect(200);
      // One step ahead (a phone whose clock runs fast) is accepted too.
      await mfaStep({ mfaToken: await passwordStep(u), code: codeAt(u.secret, now() + STEP_MS) }).expect(200);
      // ...and from then on nothing up to that step is: the current step's code is refused.
      await mfaStep({ mfaToken: await passwordStep(u), code: codeAt(u.secret, now()) }).expect(401);
    });

    it('lets one of two concurrent logins with the same code win', async () => {
      const u = await enrolled('race');
      const [a, b] = [await passwordStep(u), await passwordStep(u)];
      const code = nextCode(u.secret);
      const results = await Promise.all([mfaStep({ mfaToken: a, code }), mfaStep({ mfaToken: b, code })]);
      expect(results.map((r) => r.status).sort()).to.deep.equal([200, 401]);
    });

    it('takes a recovery code once (in any spelling), and then refuses it', async () => {
      const u = await enrolled('recovery');
      const [first, second] = u.recoveryCodes as [string, string];
      const typed = first.toLowerCase().replace(/-/g, ' ');
      const ok = await mfaStep({ mfaToken: await passwordStep(u), recoveryCode: typed }).expect(200);
      expect(ok.body.data.accessToken).to.be.a('string');
      const again = await mfaStep({ mfaToken: await passwordStep(u), recoveryCode: first }).expect(401);
      expect(again.body.errors[0]).to.deep.include({ path: 'recoveryCode' });
      await mfaStep({ mfaToken: await passwordStep(u), recoveryCode: 'AAAA-BBBB-CCCC-DDDD' }).expect(401);
      await mfaStep({ mfaToken: await passwordStep(u), recoveryCode: second }).expect(200);
      const used = await audit('auth.mfa.recovery-code.used', u.userId);
      expect(used.map((e) => e.after?.['recoveryCodesLeft']).sort()).to.deep.equal([8, 9]);
      const succeeded = await audit('auth.login.succeeded', u.userId);
      expect(succeeded.filter((e) => e.after?.['factor'] === 'recovery-code')).to.have.length(2);
    });

    it('refuses an expired mfaToken, a spent one, and one that was never issued', async () => {
      const u = await enrolled('token');
      const expiring = await passwordStep(u);
      clock.offsetMs += 301_000;
      const expired = await mfaStep({ mfaToken: expiring, code: codeAt(u.secret, now()) }).expect(401);
      expect(expired.body.message).to.include('MFA token');

      const token = await passwordStep(u);
      await mfaStep({ mfaToken: token, code: nextCode(u.secret) }).expect(200);
      const reused = await mfaStep({ mfaToken: token, code: nextCode(u.secret) }).expect(401);
      expect(reused.body.message).to.include('MFA token');
      await mfaStep({ mfaToken: 'x'.repeat(43), code: codeAt(u.secret, now()) }).expect(401);
      // The code the refused exchanges carried was not used up by them.
      await mfaStep({ mfaToken: await passwordStep(u), code: codeAt(u.secret, now()) }).expect(200);
    });

    it('asks for exactly one second factor, and one proof to turn TOTP off', async () => {
      const u = await enrolled('shape');
      const token = await passwordStep(u);
      const neither = await mfaStep({ mfaToken: token }).expect(400);
      expect(neither.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['code', 'recoveryCode']);
      const both = await mfaStep({ mfaToken: token, code: '123456', recoveryCode: u.recoveryCodes[0] }).expect(400);
      expect(both.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['code', 'recoveryCode']);
      const extra = await mfaStep({ mfaToken: token, code: '123456', extra: 1 }).expect(400);
      expect(extra.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['extra']);
      const short = await mfaStep({ mfaToken: token, code: '12345' }).expect(400);
      expect(short.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['code']);
      const off = (body: Record<string, unknown>) => app.http.delete('/api/auth/mfa/totp').set('Authorization', u.auth).send(body);
      const none = await off({}).expect(400);
      expect(none.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['code', 'password']);
      await off({ code: '123456', password: u.password }).expect(400);
      expect((await me(u)).body.data.mfaEnabled).to.equal(true);
    });

    it('turns TOTP off with a current code or with the password, refusing wrong ones; a login then needs the password only', async () => {
      const u = await enrolled('disable');
      const off = (body: Record<string, unknown>) => app.http.delete('/api/auth/mfa/totp').set('Authorization', u.auth).send(body);
      const wrongPassword = await off({ password: 'Not-The-Password-1!' }).expect(400);
      expect(wrongPassword.body.errors).to.deep.equal([{ path: 'password', message: 'is not correct' }]);
      const wrongCode = await off({ code: wrongCodeAt(u.secret, now()) }).expect(400);
      expect(wrongCode.body.errors[0]).to.deep.include({ path: 'code' });
      expect((await me(u)).body.data.mfaEnabled).to.equal(true);

      await off({ code: nextCode(u.secret) }).expect(200);
      expect((await me(u)).body.data.mfaEnabled).to.equal(false);
      await off({ password: u.password }).expect(409);
      const plain = await app.agent().post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
      expect(plain.body.data.accessToken).to.be.a('string');

      // On again (new secret, new recovery codes), then off with the password: the old codes are gone.
      const started = await app.http.post('/api/auth/mfa/totp').set('Authorization', u.auth).expect(200);
      const secret = started.body.data.secret as string;
      handedOut.push(secret);
      const confirmed = await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', u.auth).send({ code: nextCode(secret) }).expect(200);
      handedOut.push(...(confirmed.body.data.recoveryCodes as string[]));
      const token = await passwordStep(u);
      await off({ password: u.password }).expect(200);
      await mfaStep({ mfaToken: token, recoveryCode: confirmed.body.data.recoveryCodes[0] }).expect(401);
      const disabled = await audit('auth.mfa.disabled', u.userId);
      expect(disabled.map((e) => e.after?.['method']).sort()).to.deep.equal(['code', 'password']);
    });

    it('starts enrolment only from a session that logged in within 15 minutes: an older stolen access token cannot add a second factor', async () => {
      const u = await app.newUser('stale-session');
      clock.offsetMs += 16 * 60_000;
      // The access token is refreshed, so it is new; the session's login is not.
      const refreshed = await app.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
      const stale = await app.http.post('/api/auth/mfa/totp').set('Authorization', `Bearer ${refreshed.body.data.accessToken}`).expect(403);
      expect(stale.body.message).to.include('Log in again');
      expect((await audit('auth.mfa.enrolment.started', u.userId))).to.have.length(0);

      const fresh = await app.agent().post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
      await app.http.post('/api/auth/mfa/totp').set('Authorization', `Bearer ${fresh.body.data.accessToken}`).expect(200);
    });

    it("lets an administrator (users:update) turn someone's TOTP off: the way back without the second factor; refused to keys, to others, for unknown users", async () => {
      const u = await enrolled('admin-reset');
      const admin = await app.admin();
      const reset = (id: string, auth: { set: (r: ReturnType<typeof app.http.delete>) => ReturnType<typeof app.http.delete> }) => auth.set(app.http.delete(`/api/users/${id}/mfa`));
      const asAdmin = { set: (r: ReturnType<typeof app.http.delete>) => r.set('Authorization', admin.auth) };

      // Another ordinary user may not; an API key may not, whatever its scope.
      const other = await app.newUser('admin-reset-other');
      await reset(u.userId, { set: (r) => r.set('Authorization', other.auth) }).expect(403);
      const key = (await app.http.post('/api/api-keys').set('Authorization', admin.auth).send({ name: 'mfa-reset', permissions: [{ resource: '*', action: '*' }] }).expect(201)).body.data.key as string;
      await reset(u.userId, { set: (r) => r.set('X-API-Key', key) }).expect(403);
      await reset('0123456789abcdef01234567', asAdmin).expect(404);
      await asAdmin.set(app.http.delete(`/api/users/${u.userId}/mfa`)).send({ force: true }).expect(400);
      expect((await me(u)).body.data.mfaEnabled).to.equal(true);

      const done = await reset(u.userId, asAdmin).expect(200);
      expect(done.body.data).to.deep.equal({ id: u.userId, wasEnabled: true });
      expect((await me(u)).body.data.mfaEnabled).to.equal(false);
      const plain = await app.agent().post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200);
      expect(plain.body.data.accessToken).to.be.a('string');
      expect((await reset(u.userId, asAdmin).expect(200)).body.data.wasEnabled).to.equal(false);
      const disabled = await audit('auth.mfa.disabled', u.userId);
      expect(disabled.map((e) => [e.actorId, e.after?.['method']])).to.deep.equal([[admin.userId, 'admin-reset']]);
    });

    it('refuses an API key on every MFA route, whatever its scope', async () => {
      const admin = await app.admin();
      const created = await app.http.post('/api/api-keys').set('Authorization', admin.auth).send({ name: 'mfa-probe', permissions: [{ resource: '*', action: '*' }] }).expect(201);
      const key = created.body.data.key as string;
      const start = await app.http.post('/api/auth/mfa/totp').set('X-API-Key', key).expect(403);
      expect(start.body.message).to.include('API key');
      await app.http.post('/api/auth/mfa/totp/confirm').set('X-API-Key', key).send({ code: '123456' }).expect(403);
      await app.http.delete('/api/auth/mfa/totp').set('X-API-Key', key).send({ password: 'whatever-it-is' }).expect(403);
      await app.http.post('/api/auth/mfa/totp').expect(401);
    });

    it('stores and logs no TOTP secret, recovery code or mfaToken as it is', async () => {
      expect(handedOut.length).to.be.greaterThan(20);
      const stored = profile === 'production' ? await rawDatabase(app) : rawMemory(app);
      const logs = captured.raw();
      for (const secret of handedOut) {
        expect(stored.includes(secret), `stored: ${secret.slice(0, 4)}...`).to.equal(false);
        expect(logs.includes(secret), `logged: ${secret.slice(0, 4)}...`).to.equal(false);
      }
      // What is stored is there, sealed: the checks above looked at the right data.
      expect(stored).to.match(/v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}/);
      expect(stored).to.include('recoveryCodeHashes');
    });
  });
}

describe('e2e :: TOTP two-factor login across instances (production profile)', function () {
  this.timeout(120_000);
  let a: TestApp;
  let b: TestApp;
  const clock = new SteppedClock();

  before(async function () {
    const shared = { MONGO_DB: uniqueDbName('nexus_e2e_mfa'), REDIS_KEY_PREFIX: `e2e-mfa-${process.pid}` };
    a = await startTestApp(this, 'production', shared, undefined, { clock });
    b = await startTestApp(this, 'production', shared, undefined, { clock });
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it('lets exactly one of concurrent logins with one code win, sent to two instances; a secret sealed by one opens on the other', async () => {
    const u = await a.newUser('x-mfa');
    const started = await a.http.post('/api/auth/mfa/totp').set('Authorization', u.auth).expect(200);
    const secret = started.body.data.secret as string;
    clock.offsetMs += STEP_MS;
    await b.http.post('/api/auth/mfa/totp/confirm').set('Authorization', u.auth).send({ code: codeAt(secret, clock.now().getTime()) }).expect(200);
    const login = async (app: TestApp) => (await app.http.post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200)).body.data.mfaToken as string;
    const tokens = [await login(a), await login(b), await login(a), await login(b)];
    clock.offsetMs += STEP_MS;
    const code = codeAt(secret, clock.now().getTime());
    const results = await Promise.all(tokens.map((mfaToken, i) => (i % 2 === 0 ? a : b).http.post('/api/auth/login/mfa').send({ mfaToken, code })));
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 401, 401, 401]);
  });

  it('spends an mfaToken once when two instances exchange it at the same moment', async () => {
    const u = await a.newUser('x-token');
    const started = await a.http.post('/api/auth/mfa/totp').set('Authorization', u.auth).expect(200);
    const secret = started.body.data.secret as string;
    clock.offsetMs += STEP_MS;
    await a.http.post('/api/auth/mfa/totp/confirm').set('Authorization', u.auth).send({ code: codeAt(secret, clock.now().getTime()) }).expect(200);
    const token = (await a.http.post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200)).body.data.mfaToken as string;
    clock.offsetMs += 3 * STEP_MS;
    // Two different valid codes (this step and the previous one), one token, two instances.
    const at = clock.now().getTime();
    const results = await Promise.all([
      a.http.post('/api/auth/login/mfa').send({ mfaToken: token, code: codeAt(secret, at) }),
      b.http.post('/api/auth/login/mfa').send({ mfaToken: token, code: codeAt(secret, at - STEP_MS) }),
    ]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 401]);
  });
});

for (const profile of PROFILES) {
  describe(`e2e :: TOTP failures count toward the auth limit (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;
    const clock = new SteppedClock();

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile, { RATE_LIMIT_AUTH_MAX: '3' }, undefined, { clock });
    });
    after(async () => app?.close());

    it('counts wrong codes at the second step of a login and when turning TOTP off; a malformed code is not a credential check', async () => {
      const u = await app.newUser('limit');
      const started = await app.http.post('/api/auth/mfa/totp').set('Authorization', u.auth).expect(200);
      const secret = started.body.data.secret as string;
      await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', u.auth).send({ code: codeAt(secret, clock.now().getTime()) }).expect(200);
      const token = (await app.http.post('/api/auth/login').send({ email: u.email, password: u.password }).expect(200)).body.data.mfaToken as string;
      const wrong = wrongCodeAt(secret, clock.now().getTime());
      await app.http.post('/api/auth/login/mfa').send({ mfaToken: token, code: '12' }).expect(400);
      await app.http.post('/api/auth/login/mfa').send({ mfaToken: token, code: wrong }).expect(401);
      await app.http.post('/api/auth/login/mfa').send({ mfaToken: token, code: wrong }).expect(401);
      await app.http.delete('/api/auth/mfa/totp').set('Authorization', u.auth).send({ code: wrong }).expect(400);
      const limited = await app.http.post('/api/auth/login/mfa').send({ mfaToken: token, code: wrong }).expect(429);
      expect(limited.headers['retry-after']).to.be.a('string');
    });
  });
}

/** Every document of the app's database, as extended JSON text. */
const rawDatabase = async (app: TestApp): Promise<string> => {
  const mongo = app.runtime.config.mongo!;
  const client = await MongoClient.connect(mongo.url);
  try {
    const db = client.db(mongo.dbName);
    const parts: string[] = [];
    for (const { name } of await db.listCollections().toArray()) parts.push(name, JSON.stringify(await db.collection(name).find({}).toArray()));
    expect(parts).to.include.members(['mfa_totp', 'mfa_totp_claims', 'mfa_challenges']);
    return parts.join('\n');
  } finally {
    await client.close();
  }
};

/** Everything the in-memory stores hold, as JSON text. */
const rawMemory = (app: TestApp): string =>
  Object.values(app.runtime.adapters)
    .filter((adapter: object | null) => adapter?.constructor.name.startsWith('InMemory'))
    .map((adapter) => JSON.stringify(adapter, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v instanceof Set ? [...v.values()] : v)) ?? '')
    .join('\n');
