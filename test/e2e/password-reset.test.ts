import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { OffPathWork } from '../../src/application/account/off-path-work';
import type { Clock } from '../../src/application/ports/clock.port';
import { eventually } from '../support/eventually';
import { linkToken, mailSays } from '../support/mail-links';
import { TimingClient } from '../support/timing-client';
import { PROFILES, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

const NEW_PASSWORD = 'Saffron-Glacier-Voyage-31';
const OTHER_PASSWORD = 'Quiet-Meadow-Lantern-71#';

/** The process clock, moved forward on demand (token lifetimes), back to real time after each test. */
class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const shuffle = <T>(xs: readonly T[]): T[] => {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomBytes(1)[0]! % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

for (const profile of PROFILES) {
  describe(`e2e :: password reset (${profile} profile)`, function () {
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

    const forgot = (email: unknown) => app.http.post('/api/auth/password/forgot').send({ email });
    const reset = (token: unknown, newPassword: unknown) => app.http.post('/api/auth/password/reset').send({ token, newPassword });
    const offPathDone = () => app.runtime.container.get(OffPathWork).idle();
    const resetMails = (email: string) => app.smtp.to(email).filter((m) => linkToken(m, 'reset-password') !== undefined);
    /** Asks for a link and reads its token from the mail that arrives. */
    const resetToken = async (email: string): Promise<string> => {
      const before = resetMails(email).length;
      await forgot(email).expect(202);
      const mail = await eventually(() => resetMails(email)[before], 10_000, `the password-reset e-mail to ${email}`);
      return linkToken(mail, 'reset-password')!;
    };
    const audit = async (action: string) => {
      const admin = await app.admin();
      const res = await app.http.get(`/api/audit?action=${action}&limit=100`).set('Authorization', admin.auth).expect(200);
      return res.body.data.items as { actorId: string | null; target: { id: string | null }; after?: Record<string, unknown> }[];
    };

    /** A registered account that was then deleted, and one that was suspended. */
    const inactiveAccounts = async (tag: string) => {
      const admin = await app.admin();
      const deleted = await app.newUser(`${tag}-deleted`);
      await app.http.delete(`/api/users/${deleted.userId}`).set('Authorization', admin.auth).expect(200);
      const suspended = await app.newUser(`${tag}-suspended`);
      await app.http.patch(`/api/users/${suspended.userId}`).set('Authorization', admin.auth).send({ status: 'suspended' }).expect(200);
      return { deleted, suspended };
    };

    context('POST /api/auth/password/forgot', () => {
      it('answers an unknown, a deleted, a suspended and a real address alike (202, same body), and mails a link only to the real one', async () => {
        const real = await app.newUser('forgot-real');
        const { deleted, suspended } = await inactiveAccounts('forgot');
        const unknown = `nobody.${randomBytes(4).toString('hex')}.${profile}@example.com`;
        const answers = [];
        for (const email of [unknown, deleted.email, suspended.email, real.email]) {
          const res = await forgot(email).expect(202);
          answers.push(res.body);
        }
        for (const body of answers) expect(body).to.deep.equal({ success: true, statusCode: 202, message: 'If that address belongs to an account, a link to reset its password is on its way', data: { accepted: true } });

        const mail = await eventually(() => resetMails(real.email)[0], 10_000, 'the reset e-mail');
        expect(linkToken(mail, 'reset-password')).to.match(/^[A-Za-z0-9_-]{43}$/);
        expect(mailSays(mail, `http://localhost:3000/reset-password?token=${linkToken(mail, 'reset-password')!}`)).to.equal(true);
        await offPathDone();
        for (const other of [unknown, deleted.email, suspended.email]) expect(resetMails(other), other).to.deep.equal([]);

        // Audited on every path; the address typed is never recorded.
        const entries = await audit('auth.password.reset.requested');
        const targets = entries.map((e) => e.target.id);
        expect(targets).to.include.members([real.userId, deleted.userId, suspended.userId]);
        expect(targets).to.include(null);
        expect(JSON.stringify(entries)).to.not.include(unknown);
        expect(entries.every((e) => e.actorId === null)).to.equal(true);
      });

      it('takes as long for an unknown, a deleted or a suspended address as for a real one (medians of interleaved requests)', async function () {
        this.timeout(180_000);
        const rounds = 25;
        const reals: Awaited<ReturnType<TestApp['newUser']>>[] = [];
        for (let i = 0; i < rounds; i++) reals.push(await app.newUser(`timing-${i}`));
        const { deleted, suspended } = await inactiveAccounts('timing');
        const kinds = { unknown: () => `nobody.${randomBytes(6).toString('hex')}@example.com`, deleted: () => deleted.email, suspended: () => suspended.email, real: (i: number) => reals[i]!.email };
        const times: Record<keyof typeof kinds, number[]> = { unknown: [], deleted: [], suspended: [], real: [] };
        const client = TimingClient.start();
        const ask = async (email: string) => {
          const answer = await client.post(`${app.baseUrl}/api/auth/password/forgot`, { email });
          expect(answer.status, answer.text).to.equal(202);
          return answer;
        };
        try {
          // Warm every path up once, then time each kind once a round, in a shuffled order.
          for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) await ask(kinds[kind](0));
          await offPathDone();
          for (let i = 0; i < rounds; i++) {
            for (const kind of shuffle(Object.keys(kinds) as (keyof typeof kinds)[])) {
              times[kind].push((await ask(kinds[kind](i))).ms);
              // Each answer is timed alone: what a real account's request starts after its
              // answer (the link, its e-mail) is over before the next request goes out.
              await offPathDone();
              if (kind === 'real' && i > 0) await eventually(() => resetMails(reals[i]!.email)[0], 10_000, 'the reset e-mail');
            }
          }
        } finally {
          client.close();
        }
        const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof kinds, number>;
        const fastest = Math.min(...Object.values(medians));
        const slowest = Math.max(...Object.values(medians));
        // Generous: a leak (a real account's token and e-mail written before the answer) costs
        // several database round trips, a multiple of the whole answer (written that way, the
        // real account's median was 46-49 ms against 10-18 ms for the others on FerretDB).
        expect(slowest, `medians in ms: ${JSON.stringify(medians)}`).to.be.below(2 * fastest + 5);
        // Every real account got exactly its one e-mail (the off-path work ran for each).
        await eventually(() => (reals.every((r) => resetMails(r.email).length === 1) ? true : undefined), 20_000, 'a reset e-mail for every real account');
      });

      it('mails at most one link a minute to an account, whatever it is asked (the answer stays 202)', async () => {
        const s = await app.newUser('bomb');
        for (let i = 0; i < 5; i++) await forgot(s.email).expect(202);
        await offPathDone();
        await eventually(() => resetMails(s.email)[0], 10_000, 'the one reset e-mail');
        await offPathDone();
        expect(resetMails(s.email)).to.have.length(1);
      });

      it('refuses a malformed address with 400 naming the field, and unknown fields', async () => {
        const bad = await forgot('not-an-address').expect(400);
        expect(bad.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['email']);
        const extra = await app.http.post('/api/auth/password/forgot').send({ email: 'a@example.com', admin: true }).expect(400);
        expect(extra.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(['admin']);
      });
    });

    context('POST /api/auth/password/reset', () => {
      it('sets the new password, ends every session (refresh and access tokens at once), mails a notice, verifies the address and audits', async () => {
        const s = await app.newUser('reset');
        const other = await app.login(s.email, s.password);
        const token = await resetToken(s.email);

        const res = await reset(token, NEW_PASSWORD).expect(200);
        expect(res.body.data).to.deep.equal({ reset: true, sessionsEnded: 2 });
        // Right after: both sessions' access tokens and refresh tokens are refused.
        for (const session of [s, other]) {
          await app.http.get('/api/auth/me').set('Authorization', session.auth).expect(401);
          await app.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
        }
        await app.http.post('/api/auth/login').send({ email: s.email, password: s.password }).expect(401);
        const fresh = await app.login(s.email, NEW_PASSWORD);
        const me = await app.http.get('/api/auth/me').set('Authorization', fresh.auth).expect(200);
        expect(me.body.data.user).to.include({ emailVerified: true });
        expect(me.body.data.user.emailVerifiedAt).to.be.a('string');

        const notice = await eventually(() => app.smtp.to(s.email).find((m) => /password/i.test(m.subject) && /changed/i.test(m.subject)), 10_000, 'the password-changed e-mail');
        expect(linkToken(notice, 'reset-password')).to.equal(undefined);
        const completed = (await audit('auth.password.reset.completed')).find((e) => e.target.id === s.userId);
        expect(completed).to.deep.include({ actorId: s.userId, after: { sessionsEnded: 2 } });
      });

      it('refuses a used link with a 400 that says so, and one that was never issued', async () => {
        const s = await app.newUser('replay');
        const token = await resetToken(s.email);
        await reset(token, NEW_PASSWORD).expect(200);
        const again = await reset(token, OTHER_PASSWORD).expect(400);
        expect(again.body.message).to.equal('This password-reset link has already been used; ask for a new one');
        expect(again.body.errors).to.deep.equal([{ path: 'token', message: 'has already been used; ask for a new one' }]);
        const wrong = await reset(randomBytes(32).toString('base64url'), NEW_PASSWORD).expect(400);
        expect(wrong.body.message).to.equal('This password-reset link is not valid; ask for a new one');
        // A verification link (from the welcome e-mail) is not a reset link.
        const welcome = await eventually(() => app.smtp.to(s.email).find((m) => linkToken(m, 'verify-email')), 10_000, 'the welcome e-mail');
        const crossed = await reset(linkToken(welcome, 'verify-email'), OTHER_PASSWORD).expect(400);
        expect(crossed.body.errors[0].message).to.equal('is not valid; ask for a new one');
        await app.login(s.email, NEW_PASSWORD);
      });

      it('refuses an expired link with a 400 that says so (PASSWORD_RESET_TTL_MINUTES, 60 by default)', async () => {
        const s = await app.newUser('expired');
        const token = await resetToken(s.email);
        clock.offsetMs = 60 * 60_000;
        const res = await reset(token, NEW_PASSWORD).expect(400);
        expect(res.body.message).to.equal('This password-reset link has expired; ask for a new one');
        clock.offsetMs = 59 * 60_000;
        await reset(token, NEW_PASSWORD).expect(200);
      });

      it('leaves the link working when the new password is refused (policy, or one of the last five)', async () => {
        const s = await app.newUser('policy');
        const token = await resetToken(s.email);
        const weak = await reset(token, 'password').expect(400);
        expect(weak.body.errors.every((e: { path: string }) => e.path === 'newPassword')).to.equal(true);
        const reused = await reset(token, USER_PASSWORD).expect(400);
        expect(reused.body.errors).to.deep.equal([{ path: 'newPassword', message: 'must differ from your last 5 passwords' }]);
        await reset(token, NEW_PASSWORD).expect(200);
        await app.login(s.email, NEW_PASSWORD);
      });

      it('lets exactly one of five concurrent resets with one link through', async () => {
        const s = await app.newUser('race');
        const token = await resetToken(s.email);
        const passwords = [NEW_PASSWORD, OTHER_PASSWORD, 'Violet-Umbrella-Harbor-42', 'Correct-Horse-Battery-9', 'Amber-Falcon-Orchard-64'];
        const results = await Promise.all(passwords.map((p) => reset(token, p)));
        const won = results.filter((r) => r.status === 200);
        expect(won, JSON.stringify(results.map((r) => [r.status, r.body.message]))).to.have.length(1);
        expect(results.filter((r) => r.status === 400).every((r) => r.body.errors[0].message.startsWith('has already been used'))).to.equal(true);
        const winner = passwords[results.findIndex((r) => r.status === 200)]!;
        await app.login(s.email, winner);
      });

      it('refuses the link of an account suspended since it was mailed', async () => {
        const s = await app.newUser('suspended-later');
        const token = await resetToken(s.email);
        const admin = await app.admin();
        await app.http.patch(`/api/users/${s.userId}`).set('Authorization', admin.auth).send({ status: 'suspended' }).expect(200);
        const res = await reset(token, NEW_PASSWORD).expect(400);
        expect(res.body.errors[0].message).to.match(/^is no longer valid/);
      });

      it("drops what an account's unproven holder set up (a second factor) on the first proof of the mailbox; a verified account keeps its second factor", async () => {
        const totpOn = async (u: { auth: string }) => {
          const started = await app.http.post('/api/auth/mfa/totp').set('Authorization', u.auth).expect(200);
          const code = new TOTP({ secret: Secret.fromBase32(started.body.data.secret as string), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: clock.now().getTime() });
          await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', u.auth).send({ code }).expect(200);
        };
        const loginAnswer = async (email: string) => (await app.agent().post('/api/auth/login').send({ email, password: NEW_PASSWORD }).expect(200)).body.data as Record<string, unknown>;

        // Someone registered this address (never verified) and put TOTP on it; the mailbox's owner resets.
        const planted = await app.newUser('reset-planted');
        await totpOn(planted);
        await reset(await resetToken(planted.email), NEW_PASSWORD).expect(200);
        expect(await loginAnswer(planted.email)).to.have.property('accessToken');
        const dropped = (await audit('auth.mfa.disabled')).filter((e) => e.target.id === planted.userId);
        expect(dropped.map((e) => e.after?.['method'])).to.deep.equal(['first-mailbox-proof']);

        // A verified owner's second factor stays: a mailbox alone does not get past it.
        const owner = await app.newUser('reset-verified');
        const welcome = await eventually(() => app.smtp.to(owner.email).find((m) => linkToken(m, 'verify-email') !== undefined), 10_000, 'the welcome mail');
        await app.http.post('/api/auth/email/verify').send({ token: linkToken(welcome, 'verify-email') }).expect(200);
        await totpOn(owner);
        await reset(await resetToken(owner.email), NEW_PASSWORD).expect(200);
        expect(await loginAnswer(owner.email)).to.include({ mfaRequired: true });
      });

      it('refuses a malformed body with 400 naming each field', async () => {
        const res = await app.http.post('/api/auth/password/reset').send({ token: 42 }).expect(400);
        expect(res.body.errors.map((e: { path: string }) => e.path).sort()).to.deep.equal(['newPassword', 'token']);
      });
    });

    context('with a low auth limit', () => {
      it('counts wrong reset and verification tokens as failed credential checks (429 after the limit)', async function () {
        const strict = await startTestApp(this, profile, { RATE_LIMIT_AUTH_MAX: '3' });
        try {
          const junk = () => randomBytes(32).toString('base64url');
          await strict.http.post('/api/auth/password/reset').send({ token: junk(), newPassword: NEW_PASSWORD }).expect(400);
          await strict.http.post('/api/auth/email/verify').send({ token: junk() }).expect(400);
          await strict.http.post('/api/auth/password/reset').send({ token: junk(), newPassword: NEW_PASSWORD }).expect(400);
          const limited = await strict.http.post('/api/auth/email/verify').send({ token: junk() }).expect(429);
          expect(limited.headers['retry-after']).to.match(/^\d+$/);
        } finally {
          await strict.close();
        }
      });
    });
  });
}
