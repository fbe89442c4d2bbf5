import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { OffPathWork } from '../../src/application/account/off-path-work';
import { eventually } from '../support/eventually';
import { linkToken } from '../support/mail-links';
import { PROFILES, type Session, startTestApp, type TestApp } from '../support/test-app';

/**
 * A hostile tester's findings on the account lifecycle (issue 10): each test is an attack that
 * worked before its fix.
 */
const WRONG = 'Wrong-Password-1!';
const THRESHOLD = 10;
const NEW_PASSWORD = 'Saffron-Glacier-Voyage-31';

let ips = 0;
/** Every guess from its own address, as a distributed guesser's: the per-client limit stays out of the way. */
const freshIp = () => `198.18.${Math.floor(++ips / 250)}.${ips % 250}`;

const codeAt = (secret: string, ms: number): string => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms });
/** A six-digit code that is none of the valid ones around now. */
const wrongCode = (secret: string): string => {
  const valid = new Set([-2, -1, 0, 1, 2].map((k) => codeAt(secret, Date.now() + k * 30_000)));
  for (let n = 123_456; ; n = (n + 7_919) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
};

for (const profile of PROFILES) {
  describe(`e2e :: probe of the account lifecycle (${profile} profile)`, function () {
    this.timeout(90_000);
    let app: TestApp;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile, { TRUST_PROXY: 'true' });
    });
    after(async () => app?.close());

    const login = (email: string, password: string) => app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email, password });
    const changePassword = (s: Session, currentPassword: string, newPassword = NEW_PASSWORD) =>
      app.http.post('/api/auth/password').set('X-Forwarded-For', freshIp()).set('Authorization', s.auth).send({ currentPassword, newPassword });
    const disableTotp = (s: Session, proof: Record<string, string>) => app.http.delete('/api/auth/mfa/totp').set('X-Forwarded-For', freshIp()).set('Authorization', s.auth).send(proof);
    const lock = async (email: string) => {
      for (let i = 0; i < THRESHOLD; i++) await login(email, WRONG).expect(401);
    };
    const enrol = async (s: Session): Promise<string> => {
      const secret = (await app.http.post('/api/auth/mfa/totp').set('Authorization', s.auth).expect(200)).body.data.secret as string;
      await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', s.auth).send({ code: codeAt(secret, Date.now()) }).expect(200);
      return secret;
    };
    const resetToken = async (email: string): Promise<string> => {
      const mails = () => app.smtp.to(email).filter((m) => linkToken(m, 'reset-password') !== undefined);
      const before = mails().length;
      await app.http.post('/api/auth/password/forgot').send({ email }).expect(202);
      await app.runtime.container.get(OffPathWork).idle();
      return linkToken(await eventually(() => mails()[before], 10_000, `the reset e-mail to ${email}`), 'reset-password')!;
    };

    context('password checks outside the login route (a stolen access token guessing the password)', () => {
      it('counts wrong current passwords at POST /api/auth/password toward the lockout', async () => {
        const user = await app.newUser('probe-change-guess');
        for (let i = 0; i < THRESHOLD; i++) await changePassword(user, WRONG).expect(400);
        // The account is locked now: its right password is refused like a wrong one.
        await login(user.email, user.password).expect(401);
      });

      it('refuses the right current password at POST /api/auth/password while the account is locked (no oracle)', async () => {
        const user = await app.newUser('probe-change-oracle');
        await lock(user.email);
        const res = await changePassword(user, user.password).expect(400);
        expect(JSON.stringify(res.body)).to.contain('currentPassword');
        // Nothing changed: the old password is still the one (and still locked out).
        await login(user.email, NEW_PASSWORD).expect(401);
      });

      it('counts wrong passwords and wrong codes at DELETE /api/auth/mfa/totp toward the lockout', async () => {
        const user = await app.newUser('probe-disable-guess');
        const secret = await enrol(user);
        for (let i = 0; i < THRESHOLD / 2; i++) await disableTotp(user, { password: WRONG }).expect(400);
        for (let i = 0; i < THRESHOLD / 2; i++) await disableTotp(user, { code: wrongCode(secret) }).expect(400);
        // Locked: the right password earns no mfaToken.
        await login(user.email, user.password).expect(401);
      });

      it('refuses the right password at DELETE /api/auth/mfa/totp while the account is locked, and leaves TOTP on', async () => {
        const user = await app.newUser('probe-disable-oracle');
        await enrol(user);
        await lock(user.email);
        await disableTotp(user, { password: user.password }).expect(400);
        const me = await app.http.get('/api/auth/me').set('Authorization', user.auth).expect(200);
        expect(me.body.data.mfaEnabled).to.equal(true);
      });
    });

    context('the second step of a login under the lockout', () => {
      it('checks at most the threshold of TOTP codes sent at once with one mfaToken (the rest are refused unchecked)', async () => {
        const user = await app.newUser('probe-mfa-burst');
        const secret = await enrol(user);
        const mfaToken = (await login(user.email, user.password).expect(200)).body.data.mfaToken as string;
        const code = wrongCode(secret);
        const responses = await Promise.all(Array.from({ length: 100 }, () => app.http.post('/api/auth/login/mfa').set('X-Forwarded-For', freshIp()).send({ mfaToken, code })));
        expect(responses.map((r) => r.status)).to.deep.equal(Array.from({ length: 100 }, () => 401));
        const admin = await app.admin();
        const audit = await app.http.get('/api/audit?action=auth.mfa.failed&limit=100').set('Authorization', admin.auth).expect(200);
        const checked = (audit.body.data.items as { target: { id: string }; after: { reason: string } }[]).filter((e) => e.target.id === user.userId && e.after.reason === 'wrong-code');
        expect(checked.length).to.be.at.most(THRESHOLD);
      });
    });

    context('reset links that outlive what should end them', () => {
      it('refuses a reset link mailed before a suspension once the account is active again', async () => {
        const admin = await app.admin();
        const user = await app.newUser('probe-suspended-link');
        const token = await resetToken(user.email);
        await app.http.patch(`/api/users/${user.userId}`).set('Authorization', admin.auth).send({ status: 'suspended' }).expect(200);
        await app.http.patch(`/api/users/${user.userId}`).set('Authorization', admin.auth).send({ status: 'active' }).expect(200);
        await app.http.post('/api/auth/password/reset').send({ token, newPassword: NEW_PASSWORD }).expect(400);
        await login(user.email, user.password).expect(200);
      });

      it('refuses a reset link mailed before a deletion once the account is restored', async () => {
        const admin = await app.admin();
        const user = await app.newUser('probe-deleted-link');
        const token = await resetToken(user.email);
        await app.http.delete(`/api/users/${user.userId}`).set('Authorization', admin.auth).expect(200);
        await app.http.post(`/api/users/${user.userId}/restore`).set('Authorization', admin.auth).expect(200);
        await app.http.post('/api/auth/password/reset').send({ token, newPassword: NEW_PASSWORD }).expect(400);
      });

      it('refuses a reset link mailed before the owner changed the password', async () => {
        const user = await app.newUser('probe-changed-link');
        const token = await resetToken(user.email);
        await changePassword(user, user.password, 'Another-Quiet-Harbour-42!').expect(200);
        await app.http.post('/api/auth/password/reset').send({ token, newPassword: NEW_PASSWORD }).expect(400);
      });

      it('refuses a link mailed to an address the account left and then came back to', async () => {
        const admin = await app.admin();
        const user = await app.newUser('probe-aba');
        const token = await resetToken(user.email);
        const other = `probe-aba-elsewhere.${profile}@example.com`;
        await app.http.patch(`/api/users/${user.userId}`).set('Authorization', admin.auth).send({ email: other }).expect(200);
        await app.http.patch(`/api/users/${user.userId}`).set('Authorization', admin.auth).send({ email: user.email }).expect(200);
        await app.http.post('/api/auth/password/reset').send({ token, newPassword: NEW_PASSWORD }).expect(400);
      });
    });
  });
}
