import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import type supertest from 'supertest';
import { adminCookie, type DataQueue, dataQueue, form } from '../support/dashboard';
import { eventually } from '../support/eventually';
import { capturingLogger } from '../support/logger';
import { ADMIN_PASSWORD, type Session, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

const codeAt = (secret: string, ms: number): string => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms });

describe('e2e :: queue dashboard at /admin/queues (production profile)', function () {
  this.timeout(90_000);
  let app: TestApp;
  let root: Session;
  let log: ReturnType<typeof capturingLogger>;
  let jobs: DataQueue;
  let manager: { email: string; password: string; userId: string; auth: string };
  let ip = 0;
  /** A client address of its own (TRUST_PROXY=1), so one test's failed sign-ins do not limit another's. */
  const nextIp = () => `198.51.100.${++ip}`;

  const signIn = (email: string, password: string, from = nextIp()) =>
    app.agent().post('/admin/login').set('X-Forwarded-For', from).set('Origin', app.baseUrl).type('form').send(form({ email, password }));
  const signedIn = async (email: string, password: string): Promise<string> => {
    const res = await signIn(email, password);
    expect(res.status, res.text).to.equal(303);
    expect(res.headers['location']).to.equal('/admin/queues');
    return adminCookie(res)!.value;
  };
  const withCookie = (req: supertest.Test, cookie: string) => req.set('Cookie', `nexus_admin=${cookie}`);
  const auditOf = async (action: string) =>
    (await app.http.get(`/api/audit?action=${action}&limit=100`).set('Authorization', root.auth).expect(200)).body.data.items as { actorId: string; target: { type: string; id: string }; after: Record<string, unknown> }[];


  before(async function () {
    this.timeout(120_000);
    log = capturingLogger();
    // No job worker in this process: jobs stay where the tests put them.
    app = await startTestApp(this, 'production', { TRUST_PROXY: '1', ACCOUNT_LOCK_THRESHOLD: '3', RATE_LIMIT_AUTH_MAX: '4' }, log.logger, { jobWorker: null });
    root = await app.admin();
    jobs = dataQueue(app);
    // Someone who may manage jobs and nothing else.
    const role = await app.http
      .post('/api/roles')
      .set('Authorization', root.auth)
      .send({ name: 'job-operator', permissions: [{ resource: 'jobs', action: 'manage' }] })
      .expect(201);
    const u = await app.newUser('operator');
    await app.http.post(`/api/users/${u.userId}/roles`).set('Authorization', root.auth).send({ roleId: role.body.data.id }).expect((r) => expect(r.status).to.be.oneOf([200, 201]));
    manager = { email: u.email, password: u.password, userId: u.userId, auth: u.auth };
  });
  after(async () => {
    await jobs?.close();
    await app?.close();
  });

  context('signing in', () => {
    it('sends a visitor who is not signed in to the sign-in form (303), and answers the board API 401', async () => {
      const page = await app.agent().get('/admin/queues').expect(303);
      expect(page.headers['location']).to.equal('/admin/login');
      const deep = await app.agent().get('/admin/queues/queue/email').expect(303);
      expect(deep.headers['location']).to.equal('/admin/login');
      const api = await app.agent().get('/admin/queues/api/queues').expect(401);
      expect(api.body).to.include({ success: false, statusCode: 401 });
      // A cookie that is not a token of ours is no better.
      await withCookie(app.agent().get('/admin/queues'), 'forged.value.here').expect(303);
    });

    it('serves the sign-in form as plain HTML: no script, a strict content-security policy', async () => {
      const res = await app.agent().get('/admin/login').expect(200);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.text).to.include('<form method="post" action="/admin/login">');
      expect(res.text).to.not.match(/<script/i);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.include("default-src 'none'").and.include("form-action 'self'").and.include("frame-ancestors 'none'");
      expect(csp).to.not.include('unsafe-inline');
      expect(res.text).to.not.match(/style=/i);
      const css = await app.agent().get('/admin/assets/admin.css').expect(200);
      expect(css.headers['content-type']).to.match(/^text\/css/);
    });

    it('refuses a wrong password on the form (401, the same words as the API) and counts it toward the account lockout', async () => {
      const u = await app.newUser('locked');
      const wrong = await signIn(u.email, 'Wrong-Password-123!').expect(401);
      expect(wrong.text).to.include('id="error"');
      expect(adminCookie(wrong)).to.equal(undefined);
      expect(wrong.text).to.not.include('Wrong-Password-123!');
      await signIn(u.email, 'Wrong-Password-123!').expect(401);
      await signIn(u.email, 'Wrong-Password-123!').expect(401);
      // Three failures through the form lock the account: the right password now fails on the API too.
      await app.agent().post('/api/auth/login').set('X-Forwarded-For', nextIp()).send({ email: u.email, password: USER_PASSWORD }).expect(401);
      const audit = (await auditOf('auth.lockout')).filter((e) => e.target.id === u.userId);
      expect(audit).to.have.length(1);
    });

    it('counts failed sign-ins toward the same per-client auth limit as POST /api/auth/login', async () => {
      const from = nextIp();
      for (let i = 0; i < 2; i++) await signIn(`nobody${i}@example.com`, 'Wrong-Password-123!', from).expect(401);
      for (let i = 0; i < 2; i++) await app.agent().post('/api/auth/login').set('X-Forwarded-For', from).send({ email: `nobody${i}@example.com`, password: 'x' }).expect(401);
      await app.agent().post('/api/auth/login').set('X-Forwarded-For', from).send({ email: 'nobody@example.com', password: 'x' }).expect(429);
      await signIn('nobody@example.com', 'Wrong-Password-123!', from).expect(429);
    });

    it('sets an HttpOnly, SameSite=Strict cookie on /admin only (Secure over HTTPS), and no token in any URL', async () => {
      const res = await signIn(manager.email, manager.password).expect(303);
      expect(res.headers['location']).to.equal('/admin/queues');
      const cookie = adminCookie(res)!;
      expect(cookie.attributes).to.match(/path=\/admin(;|$)/i).and.match(/httponly/i).and.match(/samesite=strict/i);
      expect(cookie.attributes).to.not.match(/secure/i);
      const viaHttps = await signIn(manager.email, manager.password).set('X-Forwarded-Proto', 'https').set('Origin', app.baseUrl.replace('http:', 'https:')).expect(303);
      expect(adminCookie(viaHttps)!.attributes).to.match(/;\s*secure/i);
    });

    it('asks for the second factor when the account has TOTP, in the form, and counts a wrong code as a failed login', async () => {
      const u = await app.newUser('totp');
      const started = await app.http.post('/api/auth/mfa/totp').set('Authorization', u.auth).expect(200);
      const secret = started.body.data.secret as string;
      await app.http.post('/api/auth/mfa/totp/confirm').set('Authorization', u.auth).send({ code: codeAt(secret, Date.now()) }).expect(200);

      const step = await signIn(u.email, u.password).expect(200);
      expect(adminCookie(step)).to.equal(undefined);
      const mfaToken = /name="mfaToken" value="([^"]+)"/.exec(step.text)![1]!;
      const second = (fields: Record<string, string>) => app.agent().post('/admin/login').set('X-Forwarded-For', nextIp()).set('Origin', app.baseUrl).type('form').send(form({ mfaToken, ...fields }));
      const valid = new Set([-2, -1, 0, 1, 2].map((k) => codeAt(secret, Date.now() + k * 30_000)));
      let wrong = '123456';
      while (valid.has(wrong)) wrong = String((Number(wrong) + 7919) % 1_000_000).padStart(6, '0');
      const refused = await second({ code: wrong }).expect(401);
      expect(refused.text).to.include('name="mfaToken"');
      expect(adminCookie(refused)).to.equal(undefined);
      expect((await auditOf('auth.mfa.failed')).filter((e) => e.target.id === u.userId)).to.have.length(1);

      const done = await second({ code: codeAt(secret, Date.now() + 30_000) }).expect(303);
      expect(done.headers['location']).to.equal('/admin/queues');
      expect(adminCookie(done)!.value).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      // The challenge is spent.
      await second({ code: codeAt(secret, Date.now() + 30_000) }).expect(401);
    });

    it('refuses a sign-in form posted from another site', async () => {
      await app.agent().post('/admin/login').set('Origin', 'https://evil.example').type('form').send(form({ email: manager.email, password: manager.password })).expect(403);
      await app.agent().post('/admin/login').set('Sec-Fetch-Site', 'cross-site').type('form').send(form({ email: manager.email, password: manager.password })).expect(403);
    });
  });

  context('who may see it', () => {
    it('answers 403 to a signed-in user without jobs:manage', async () => {
      const u = await app.newUser('plain');
      const cookie = await signedIn(u.email, u.password);
      const page = await withCookie(app.agent().get('/admin/queues'), cookie).expect(403);
      expect(page.text).to.include('jobs:manage');
      await withCookie(app.agent().get('/admin/queues/api/queues'), cookie).expect(403);
    });

    it('shows bull-board to a holder of jobs:manage: the page under a strict policy, and the API listing the queues', async () => {
      const cookie = await signedIn(manager.email, manager.password);
      const page = await withCookie(app.agent().get('/admin/queues'), cookie).expect(200);
      expect(page.text).to.include('<base href="/admin/queues/" />').and.include('id="__UI_CONFIG__"');
      expect(page.text).to.not.include('fonts.googleapis.com');
      expect(page.text).to.not.match(/<script(?![^>]*(type="application\/json"|src=))/);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).to.include("script-src 'self'").and.include("connect-src 'self'").and.not.include('unsafe');
      const script = /<script defer src="([^"]+)"/.exec(page.text)![1]!;
      const js = await withCookie(app.agent().get(`/admin/queues/${script}`), cookie).expect(200);
      expect(js.headers['content-type']).to.match(/javascript/);
      await withCookie(app.agent().get('/admin/queues/static/../../../package.json'), cookie).expect((r) => expect(r.status).to.be.oneOf([400, 404]));

      const api = await withCookie(app.agent().get('/admin/queues/api/queues'), cookie).expect(200);
      const names = (api.body.queues as { name: string }[]).map((q) => q.name).sort();
      expect(names).to.deep.equal(['data-processing', 'dead-letter', 'email', 'reports']);
    });
    it('closes the board at the next request once jobs:manage is taken away', async () => {
      const u = await app.newUser('demoted');
      const roleId = ((await app.http.get('/api/roles').set('Authorization', root.auth)).body.data as { id: string; name: string }[]).find((r) => r.name === 'job-operator')!.id;
      await app.http.post(`/api/users/${u.userId}/roles`).set('Authorization', root.auth).send({ roleId });
      const cookie = await signedIn(u.email, u.password);
      await withCookie(app.agent().get('/admin/queues/api/queues'), cookie).expect(200);
      await app.http.delete(`/api/users/${u.userId}/roles/${roleId}`).set('Authorization', root.auth).expect((r) => expect(r.status).to.be.lessThan(300));
      await eventually(async () => (await withCookie(app.agent().get('/admin/queues/api/queues'), cookie)).status === 403 || undefined);
      await withCookie(app.agent().get('/admin/queues'), cookie).expect(403);
    });
  });

  context('acting on jobs', () => {
    it('retries a failed job through the API and audits it with the person, queue and job', async () => {
      const jobId = await jobs.failedJob();
      const cookie = await signedIn(manager.email, manager.password);
      const listed = await withCookie(app.agent().get('/admin/queues/api/queues?activeQueue=data-processing&status=failed&page=1&jobsPerPage=10'), cookie).expect(200);
      const listedQueue = (listed.body.queues as { name: string; jobs: { id: string }[] }[]).find((q) => q.name === 'data-processing')!;
      expect(listedQueue.jobs.map((j) => j.id)).to.include(jobId);

      await withCookie(app.agent().put(`/admin/queues/api/queues/data-processing/${jobId}/retry`), cookie).set('Origin', app.baseUrl).send({}).expect(204);
      expect(await jobs.queue.getJobState(jobId)).to.be.oneOf(['waiting', 'prioritized']);
      const entries = (await auditOf('jobs.dashboard.retry')).filter((e) => e.after['jobId'] === jobId);
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({ actorId: manager.userId, target: { type: 'job', id: jobId } });
      expect(entries[0]!.after).to.include({ queue: 'data-processing', jobId });
    });

    it('refuses a cross-site or unproven change (403), and nothing moves or is audited', async () => {
      const jobId = await jobs.failedJob();
      const cookie = await signedIn(manager.email, manager.password);
      const retry = () => withCookie(app.agent().put(`/admin/queues/api/queues/data-processing/${jobId}/retry`), cookie).send({});
      await retry().set('Origin', 'https://evil.example').expect(403);
      await retry().set('Sec-Fetch-Site', 'cross-site').expect(403);
      await retry().set('Sec-Fetch-Site', 'same-site').expect(403);
      await retry().expect(403);
      expect(await jobs.queue.getJobState(jobId)).to.equal('failed');
      expect((await auditOf('jobs.dashboard.retry')).filter((e) => e.after['jobId'] === jobId)).to.deep.equal([]);
      // A browser on our own page says so.
      await retry().set('Sec-Fetch-Site', 'same-origin').expect(204);
    });

    it('does not audit an operation that failed (an unknown job)', async () => {
      const cookie = await signedIn(manager.email, manager.password);
      const res = await withCookie(app.agent().put('/admin/queues/api/queues/data-processing/no-such-job/retry'), cookie).set('Origin', app.baseUrl).send({});
      expect(res.status).to.equal(404);
      expect((await auditOf('jobs.dashboard.retry')).filter((e) => e.after['jobId'] === 'no-such-job')).to.deep.equal([]);
    });
  });

  context('the end of a session', () => {
    it('stops the cookie once the session is ended through DELETE /api/auth/sessions', async () => {
      const cookie = await signedIn(manager.email, manager.password);
      await withCookie(app.agent().get('/admin/queues/api/queues'), cookie).expect(200);
      // The same person, from the API, ends every session (the dashboard's included).
      const api = await app.login(manager.email, manager.password);
      await app.http.delete('/api/auth/sessions?includeCurrent=true').set('Authorization', api.auth).expect(200);
      await eventually(async () => {
        await withCookie(app.agent().get('/admin/queues/api/queues'), cookie).expect(401);
        const page = await withCookie(app.agent().get('/admin/queues'), cookie).expect(303);
        expect(page.headers['location']).to.equal('/admin/login');
        return true;
      });
    });

    it('stops the cookie when the user is suspended', async () => {
      const u = await app.newUser('suspended');
      await app.http.post(`/api/users/${u.userId}/roles`).set('Authorization', root.auth).send({ roleId: (await app.http.get('/api/roles').set('Authorization', root.auth)).body.data.find((r: { name: string }) => r.name === 'job-operator').id });
      const cookie = await signedIn(u.email, u.password);
      await withCookie(app.agent().get('/admin/queues/api/queues'), cookie).expect(200);
      await app.http.patch(`/api/users/${u.userId}`).set('Authorization', root.auth).send({ status: 'suspended' }).expect(200);
      await eventually(async () => (await withCookie(app.agent().get('/admin/queues/api/queues'), cookie)).status === 401 || undefined);
    });

    it('signs out: POST /admin/logout ends the session behind the cookie', async () => {
      const cookie = await signedIn(manager.email, manager.password);
      await withCookie(app.agent().post('/admin/logout'), cookie).set('Origin', 'https://evil.example').expect(403);
      await withCookie(app.agent().get('/admin/queues/api/queues'), cookie).expect(200);
      const out = await withCookie(app.agent().post('/admin/logout'), cookie).set('Origin', app.baseUrl).expect(303);
      expect(out.headers['location']).to.equal('/admin/login');
      expect(adminCookie(out)!.value).to.equal('');
      await eventually(async () => (await withCookie(app.agent().get('/admin/queues/api/queues'), cookie)).status === 401 || undefined);
    });
  });


  context('logs (after everything above)', () => {
    it('never writes a password or the cookie to the log', async () => {
      const cookie = await signedIn(manager.email, manager.password);
      await withCookie(app.agent().get('/admin/queues'), cookie).expect(200);
      await signIn(manager.email, 'Not-The-Password-42!').expect(401);
      const raw = log.raw();
      expect(raw).to.include('/admin/login');
      for (const secret of [manager.password, ADMIN_PASSWORD, 'Not-The-Password-42!', cookie]) expect(raw).to.not.include(secret);
    });
  });
});

describe('e2e :: queue dashboard (embedded profile)', function () {
  this.timeout(60_000);
  let app: TestApp;
  before(async function () {
    app = await startTestApp(this, 'embedded');
  });
  after(async () => app?.close());

  it('explains that the dashboard needs the production profile, as a page and as the envelope', async () => {
    const json = await app.agent().get('/admin/queues').set('Accept', 'application/json').expect(404);
    expect(json.body).to.include({ success: false, statusCode: 404 });
    expect(json.body.message).to.include('production profile');
    const page = await app.agent().get('/admin/queues').set('Accept', 'text/html').expect(404);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.text).to.include('production profile');
    await app.agent().get('/admin/queues/api/queues').set('Accept', 'application/json').expect(404);
  });
});
