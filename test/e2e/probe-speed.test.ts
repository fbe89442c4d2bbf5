import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../src/application/ports/clock.port';
import { capturingLogger } from '../support/logger';
import { PROFILES, startTestApp } from '../support/test-app';

const STEP_MS = 30_000;
/** The server's clock, in the middle of a TOTP step, moved by the test only. */
class SteppedClock implements Clock {
  offsetMs = Math.floor(Date.now() / STEP_MS) * STEP_MS + STEP_MS / 2;
  now(): Date {
    return new Date(this.offsetMs);
  }
}
const codeAt = (secret: string, ms: number): string => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms });

/**
 * A hostile pass over the speed work of issue 12 (shared frozen cache values and views, the
 * access line written without winston, metric labels), on both profiles.
 */
for (const profile of PROFILES) {
  describe(`e2e :: probe of the shared-value hot path (${profile} profile)`, function () {
    this.timeout(60_000);

    it('never writes a credential pasted into a path to the access line, whatever answer refused it', async function () {
      const { logger, raw } = capturingLogger();
      const app = await startTestApp(this, profile, {}, logger);
      try {
        const session = await app.newUser('pasted');
        const key = (await app.http.post('/api/api-keys').set('Authorization', session.auth).send({ name: 'k', permissions: [] }).expect(201)).body.data.key as string;
        const keySecret = key.slice('sk_'.length);
        const jwt = session.accessToken;
        // A canonical-path 400: "_" needlessly encoded (the key redaction looks for "sk_").
        await app.http.get(`/api/users/sk%5F${keySecret}`).set('Authorization', session.auth).expect(400);
        // A 405 on a path some route serves, with the token as the id.
        await app.http.put(`/api/users/${jwt}`).set('Authorization', session.auth).expect(405);
        // OPTIONS: answered by the app itself, no route's.
        await app.http.options(`/api/users/${jwt}`).expect(200);
        // "Bearer" with its space encoded: the redaction wants whitespace.
        await app.http.put(`/api/users/Bearer%20${jwt}`).expect(405);
        // A 401 before any route ran (a malformed Authorization header).
        await app.http.get(`/api/users/${jwt}`).set('Authorization', 'Basic abc').expect(401);
        await app.http.get(`/api/auth/sessions/${key}`).set('Authorization', 'Basic abc').expect(401);
        // A 401 from a router's own sign-in check (no credential at all): @koa/router names the
        // router's use-layer pattern (`/api/users(?:\/|$)`), not a route's template.
        await app.http.get(`/api/users/${jwt}`).expect(401);
        await app.http.get('/api/roles').expect(401);

        // Answers from before any route or its input: 404, 413, a refused media type.
        await app.http.get(`/api/nothing/${jwt}`).set('Authorization', session.auth).expect(404);
        await app.http.post(`/api/users/${jwt}/roles`).set('Authorization', session.auth).set('Content-Type', 'application/xml').send('<x/>').expect((r) => expect(r.status).to.be.oneOf([400, 415]));
        await app.http.post(`/api/users/${jwt}/roles`).set('Authorization', session.auth).set('Content-Type', 'application/json').send(`{"roleId":"${'a'.repeat(2_000_000)}"}`).expect(413);

        const log = raw();
        const optionsLine = log.split('\n').find((l) => l.includes('"method":"OPTIONS"'));
        expect(optionsLine).to.include('"route":"/api/users/:id"');
        expect(log).to.include('"status":405');
        expect(log).to.not.include(keySecret);
        expect(log).to.not.include(jwt.split('.')[2]!);
        const metrics = await app.http.get('/metrics').set('Authorization', (await app.admin()).auth).expect(200);
        expect(metrics.text).to.not.include(keySecret);
        expect(metrics.text).to.not.include(jwt.split('.')[2]!);
        const labels = new Set([...metrics.text.matchAll(/^nexus_http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]));
        expect([...labels].filter((l) => l !== 'unmatched' && !/^\/[\w/:.-]*$/.test(l!))).to.deep.equal([]);
        expect(labels).to.include('/api/users/:id/roles');
      } finally {
        await app.close();
      }
    });

    it('answers the new body and ETag on the next read after each change (name, role, suspension), for the user and an admin', async function () {
      const app = await startTestApp(this, profile);
      try {
        const admin = await app.admin();
        const user = await app.newUser('changing');
        const read = async (auth: string) => {
          const res = await app.http.get(`/api/users/${user.userId}`).set('Authorization', auth).expect(200);
          return { body: res.body as { data: { name: string; roleIds: string[]; status: string } }, etag: String(res.headers['etag']), text: res.text };
        };
        // Warm every shared copy (the user's own, an admin's).
        for (let i = 0; i < 3; i++) {
          await read(user.auth);
          await read(admin.auth);
        }
        const before = await read(admin.auth);

        const patched = await app.http.patch(`/api/users/${user.userId}`).set('Authorization', user.auth).set('If-Match', before.etag).send({ name: 'Renamed Once' }).expect(200);
        for (const auth of [user.auth, admin.auth]) {
          const after = await read(auth);
          expect(after.body.data.name).to.equal('Renamed Once');
          expect(after.etag).to.equal(String(patched.headers['etag']));
          expect(after.etag).to.not.equal(before.etag);
        }
        // Again: the same user object must not keep answering the first rename.
        await app.http.patch(`/api/users/${user.userId}`).set('Authorization', user.auth).send({ name: 'Renamed Twice' }).expect(200);
        expect((await read(user.auth)).body.data.name).to.equal('Renamed Twice');
        expect((await read(admin.auth)).body.data.name).to.equal('Renamed Twice');

        const roles = (await app.http.get('/api/roles').set('Authorization', admin.auth).expect(200)).body.data as { id: string; name: string }[];
        const extra = roles.find((r) => !(before.body.data.roleIds as string[]).includes(r.id) && r.name !== 'admin');
        if (extra) {
          const assigned = await app.http.post(`/api/users/${user.userId}/roles`).set('Authorization', admin.auth).send({ roleId: extra.id }).expect(200);
          const after = await read(admin.auth);
          expect(after.body.data.roleIds).to.include(extra.id);
          expect(after.etag).to.equal(String(assigned.headers['etag']));
        }

        await app.http.patch(`/api/users/${user.userId}`).set('Authorization', admin.auth).send({ status: 'suspended' }).expect(200);
        expect((await read(admin.auth)).body.data.status).to.equal('suspended');
        // A suspended user's token stops at once.
        await app.http.get(`/api/users/${user.userId}`).set('Authorization', user.auth).expect(401);
        await app.http.patch(`/api/users/${user.userId}`).set('Authorization', admin.auth).send({ status: 'active' }).expect(200);
        expect((await read(admin.auth)).body.data.status).to.equal('active');
      } finally {
        await app.close();
      }
    });

    it('sends each request its own status, message and request id with a shared view', async function () {
      const app = await startTestApp(this, profile);
      try {
        const user = await app.newUser('envelope');
        for (let i = 0; i < 3; i++) {
          const res = await app.http.get(`/api/users/${user.userId}`).set('Authorization', user.auth).set('X-Request-ID', `probe-${i}`).expect(200);
          expect(res.headers['x-request-id']).to.equal(`probe-${i}`);
          expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
          expect(res.body).to.include({ success: true, statusCode: 200, message: 'User found' });
          expect(res.text).to.not.include('probe-');
        }
        const me = await app.http.get('/api/auth/me').set('Authorization', user.auth).expect(200);
        expect(me.body.success).to.equal(true);
        const head = await app.http.head(`/api/users/${user.userId}`).set('Authorization', user.auth).expect(200);
        expect(head.text ?? '').to.equal('');
      } finally {
        await app.close();
      }
    });

    it('answers a wrong password alike with and without TOTP, counts it toward the lockout, and gives an MFA account no token before its second step', async function () {
      const clock = new SteppedClock();
      const app = await startTestApp(this, profile, {}, undefined, { clock });
      try {
        const plain = await app.newUser('no-mfa');
        const mfa = await app.newUser('with-mfa');
        const started = await app.http.post('/api/auth/mfa/totp').set('Authorization', mfa.auth).expect(200);
        const secret = started.body.data.secret as string;
        clock.offsetMs += STEP_MS;
        await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', mfa.auth).send({ code: codeAt(secret, clock.offsetMs) }).expect(200);

        const right = await app.http.post('/api/auth/login').send({ email: mfa.email, password: mfa.password }).expect(200);
        expect(right.body.data).to.have.keys('mfaRequired', 'mfaToken', 'mfaExpiresIn');
        expect(right.headers['set-cookie'] ?? []).to.deep.equal([]);

        const wrong = async (email: string) => {
          const res = await app.http.post('/api/auth/login').send({ email, password: 'Not-The-Password-123!' });
          const { requestId: _requestId, ...body } = res.body as Record<string, unknown>;
          return { status: res.status, body, cookies: res.headers['set-cookie'] ?? [] };
        };
        // A wrong password on each account, in turn: the same answer; the MFA account's right
        // password then still gets the second step only, until the lockout refuses it.
        let lockedAfter = 0;
        for (let n = 1; n <= 30 && lockedAfter === 0; n++) {
          const a = await wrong(plain.email);
          const b = await wrong(mfa.email);
          expect(b, `attempt ${n}`).to.deep.equal(a);
          expect(a.status).to.equal(401);
          const res = await app.http.post('/api/auth/login').send({ email: mfa.email, password: mfa.password });
          if (res.status === 401) lockedAfter = n;
          else expect(res.body.data, `attempt ${n}`).to.have.keys('mfaRequired', 'mfaToken', 'mfaExpiresIn');
        }
        expect(lockedAfter).to.be.within(1, 29);
      } finally {
        await app.close();
      }
    });
  });
}
