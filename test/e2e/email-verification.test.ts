import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/application/ports/clock.port';
import { eventually } from '../support/eventually';
import { linkToken, mailSays } from '../support/mail-links';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PROFILES, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

for (const profile of PROFILES) {
  describe(`e2e :: e-mail verification (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;
    const clock = new ShiftedClock();

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile, {}, undefined, { clock });
    });
    afterEach(() => {
      clock.offsetMs = 0;
    });
    after(async () => app?.close());

    const verify = (token: unknown) => app.http.post('/api/auth/email/verify').send({ token });
    const resend = (auth?: Record<string, string>) => app.http.post('/api/auth/email/verification').set(auth ?? {});
    const me = async (auth: string) => (await app.http.get('/api/auth/me').set('Authorization', auth).expect(200)).body.data.user as Record<string, unknown>;
    const verifyMails = (email: string) => app.smtp.to(email).filter((m) => linkToken(m, 'verify-email') !== undefined);
    /** The token of the n-th e-mail with a verification link to `email` (the welcome e-mail is the first). */
    const verifyToken = async (email: string, n = 0): Promise<string> => {
      const mail = await eventually(() => verifyMails(email)[n], 10_000, `verification e-mail #${n + 1} to ${email}`);
      return linkToken(mail, 'verify-email')!;
    };
    const audit = async (action: string) => {
      const admin = await app.admin();
      const res = await app.http.get(`/api/audit?action=${action}&limit=100`).set('Authorization', admin.auth).expect(200);
      return res.body.data.items as { actorId: string | null; target: { id: string | null }; before?: Record<string, unknown>; after?: Record<string, unknown> }[];
    };

    it('mails the verification link in the welcome e-mail; the link verifies the address once (user shows emailVerified and emailVerifiedAt), audited', async () => {
      const s = await app.newUser('welcome');
      expect(await me(s.auth)).to.include({ emailVerified: false, emailVerifiedAt: null });
      const [welcome] = await eventually(() => (app.smtp.to(s.email).length > 0 ? app.smtp.to(s.email) : undefined), 10_000, 'the welcome e-mail');
      expect(app.smtp.to(s.email)).to.have.length(1);
      const token = linkToken(welcome!, 'verify-email');
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(mailSays(welcome!, `http://localhost:3000/verify-email?token=${token!}`)).to.equal(true);

      const res = await verify(token).expect(200);
      expect(res.body.data).to.include({ email: s.email, emailVerified: true });
      expect(Date.parse(res.body.data.emailVerifiedAt as string)).to.be.closeTo(Date.now(), 60_000);
      expect(await me(s.auth)).to.include({ emailVerified: true, emailVerifiedAt: res.body.data.emailVerifiedAt });
      const admin = await app.admin();
      const read = await app.http.get(`/api/users/${s.userId}`).set('Authorization', admin.auth).expect(200);
      expect(read.body.data).to.include({ emailVerified: true, emailVerifiedAt: res.body.data.emailVerifiedAt });

      const again = await verify(token).expect(400);
      expect(again.body.message).to.equal('This verification link has already been used; ask for a new one');
      expect(again.body.errors).to.deep.equal([{ path: 'token', message: 'has already been used; ask for a new one' }]);
      expect((await audit('auth.email.verified')).find((e) => e.target.id === s.userId)).to.deep.include({ actorId: s.userId });
      expect((await audit('auth.email.verification.sent')).find((e) => e.target.id === s.userId)).to.deep.include({ after: { reason: 'registration' } });
    });

    it('refuses a link that was never issued, and an expired one (EMAIL_VERIFY_TTL_HOURS, 48 by default), each with a 400 that says so', async () => {
      const wrong = await verify(randomBytes(32).toString('base64url')).expect(400);
      expect(wrong.body.message).to.equal('This verification link is not valid; ask for a new one');
      const s = await app.newUser('expired');
      const token = await verifyToken(s.email);
      clock.offsetMs = 48 * 3600_000;
      const expired = await verify(token).expect(400);
      expect(expired.body.message).to.equal('This verification link has expired; ask for a new one');
      clock.offsetMs = 47 * 3600_000;
      await verify(token).expect(200);
    });

    it('counts the seeded first admin as verified (the operator configured the address)', async () => {
      const admin = await app.admin();
      expect(await me(admin.auth)).to.include({ email: ADMIN_EMAIL, emailVerified: true });
      const res = await resend({ Authorization: admin.auth }).expect(409);
      expect(res.body.message).to.equal('Your e-mail address is already verified');
    });

    context('POST /api/auth/email/verification', () => {
      it('re-sends a link to a signed-in user at most once a minute (then 429 with Retry-After); earlier links keep working until one is used', async () => {
        const s = await app.newUser('resend');
        const welcomeToken = await verifyToken(s.email, 0);
        const res = await resend({ Authorization: s.auth }).expect(202);
        expect(res.body.data).to.deep.equal({ sentTo: s.email });
        const resentToken = await verifyToken(s.email, 1);
        expect(resentToken).to.not.equal(welcomeToken);
        const limited = await resend({ Authorization: s.auth }).expect(429);
        expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
        expect(limited.body.message).to.match(/^An e-mail was sent a moment ago; try again in \d+ s$/);
        expect(verifyMails(s.email)).to.have.length(2);
        expect((await audit('auth.email.verification.sent')).filter((e) => e.target.id === s.userId).map((e) => e.after)).to.deep.include({ reason: 'resend' });

        // The older link works; using it withdraws the newer one.
        await verify(welcomeToken).expect(200);
        const withdrawn = await verify(resentToken).expect(400);
        expect(withdrawn.body.errors[0].message).to.match(/^is no longer valid/);
      });

      it('refuses an API key (403) and nobody (401)', async () => {
        const s = await app.newUser('resend-key');
        const key = await app.http.post('/api/api-keys').set('Authorization', s.auth).send({ name: 'ci', permissions: [] }).expect(201);
        const refused = await resend({ 'X-API-Key': key.body.data.key as string }).expect(403);
        expect(refused.body.message).to.match(/API key cannot manage credentials/);
        await resend().expect(401);
        const junk = await app.http.post('/api/auth/email/verification').set('Authorization', s.auth).send({ email: 'someone.else@example.com' }).expect(400);
        expect(junk.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['email']);
        expect(verifyMails(s.email)).to.have.length.at.most(1);
      });
    });

    context('changing the address', () => {
      it('makes it unverified, mails a link to the new address and a notice naming it to the old; links to the old address are refused; audited', async () => {
        const s = await app.newUser('mover');
        const oldEmail = s.email;
        await verify(await verifyToken(oldEmail)).expect(200);
        await resend({ Authorization: (await app.login(oldEmail, USER_PASSWORD)).auth }).expect(409);
        // A reset link to the old address, sent before the move.
        await app.http.post('/api/auth/password/forgot').send({ email: oldEmail }).expect(202);
        const resetMail = await eventually(() => app.smtp.to(oldEmail).find((m) => linkToken(m, 'reset-password')), 10_000, 'the reset e-mail');

        const newEmail = `moved.${randomBytes(3).toString('hex')}.${profile}@example.com`;
        const admin = await app.admin();
        const res = await app.http.patch(`/api/users/${s.userId}`).set('Authorization', admin.auth).send({ email: newEmail }).expect(200);
        expect(res.body.data).to.include({ email: newEmail, emailVerified: false, emailVerifiedAt: null });

        const notice = await eventually(() => app.smtp.to(oldEmail).find((m) => mailSays(m, newEmail)), 10_000, 'the notice to the old address');
        expect(linkToken(notice, 'verify-email')).to.equal(undefined);
        const newToken = await verifyToken(newEmail);
        expect(app.smtp.to(newEmail)).to.have.length(1);

        // Links mailed to the old address prove nothing about the new one.
        const oldReset = await app.http.post('/api/auth/password/reset').send({ token: linkToken(resetMail, 'reset-password'), newPassword: 'Saffron-Glacier-Voyage-31' }).expect(400);
        expect(oldReset.body.message).to.equal('This password-reset link was sent to an address this account no longer has');

        await verify(newToken).expect(200);
        const session = await app.login(newEmail, USER_PASSWORD);
        expect(await me(session.auth)).to.include({ email: newEmail, emailVerified: true });
        const changed = (await audit('user.email.changed')).find((e) => e.target.id === s.userId);
        expect(changed).to.deep.include({ actorId: admin.userId, before: { email: oldEmail }, after: { email: newEmail } });
      });

      it('refuses a verification link mailed to an address the user no longer has', async () => {
        const s = await app.newUser('left-behind');
        const oldToken = await verifyToken(s.email);
        const admin = await app.admin();
        await app.http.patch(`/api/users/${s.userId}`).set('Authorization', admin.auth).send({ email: `elsewhere.${randomBytes(3).toString('hex')}@example.com` }).expect(200);
        const res = await verify(oldToken).expect(400);
        expect(res.body.message).to.equal('This verification link was sent to an address this account no longer has');
        expect(await me(s.auth)).to.include({ emailVerified: false });
      });

      it('keeps the address verified when only its spelling changes (same mailbox)', async () => {
        const s = await app.newUser('respell');
        await verify(await verifyToken(s.email)).expect(200);
        const admin = await app.admin();
        const res = await app.http.patch(`/api/users/${s.userId}`).set('Authorization', admin.auth).send({ email: s.email.toUpperCase() }).expect(200);
        expect(res.body.data).to.include({ emailVerified: true });
      });
    });

    context('with REQUIRE_VERIFIED_EMAIL=true', () => {
      it('answers an unverified account 403 with a clear message for the right password, 401 as ever for a wrong one, and 200 once verified', async function () {
        const strict = await startTestApp(this, profile, { REQUIRE_VERIFIED_EMAIL: 'true' });
        try {
          const email = `strict.${profile}@example.com`;
          await strict.http.post('/api/auth/register').send({ name: 'Strict Person', email, password: USER_PASSWORD }).expect(201);
          const refused = await strict.http.post('/api/auth/login').send({ email, password: USER_PASSWORD }).expect(403);
          expect(refused.body.message).to.match(/^Your e-mail address is not verified yet/);
          expect(refused.body).to.not.have.property('data');
          const wrong = await strict.http.post('/api/auth/login').send({ email, password: 'Wrong-Password-123!' }).expect(401);
          expect(wrong.body.message).to.equal('Invalid email or password');

          const welcome = await eventually(() => strict.smtp.to(email).find((m) => linkToken(m, 'verify-email')), 10_000, 'the welcome e-mail');
          await strict.http.post('/api/auth/email/verify').send({ token: linkToken(welcome, 'verify-email') }).expect(200);
          await strict.http.post('/api/auth/login').send({ email, password: USER_PASSWORD }).expect(200);
          // The seeded admin counts as verified.
          await strict.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
        } finally {
          await strict.close();
        }
      });
    });
  });
}
