import { Queue, Worker } from 'bullmq';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import type supertest from 'supertest';
import { adminCookie, type DataQueue, dataQueue, form } from '../support/dashboard';
import { eventually } from '../support/eventually';
import { uniqueDbName } from '../support/services';
import { type Session, startTestApp, type TestApp } from '../support/test-app';

/**
 * A hostile probe of the queue dashboard (/admin): what an attacker would try, each either
 * refused here or shown to be answered. Two instances on one Redis and one database.
 */
/** An origin the API lets browsers call with credentials (CORS_ORIGINS), on the same site as the server. */
const SPA_ORIGIN = 'https://app.example.com';

describe('e2e :: queue dashboard, hostile probe (production profile, two instances)', function () {
  this.timeout(120_000);
  let a: TestApp;
  let b: TestApp;
  let root: Session;
  let connection: Redis;
  let jobs: DataQueue;
  let queue: Queue;
  let operator: { email: string; password: string; userId: string; auth: string };
  let roleId: string;
  let ip = 0;
  const nextIp = () => `203.0.113.${++ip}`;

  const signIn = (app: TestApp, email: string, password: string) =>
    app.agent().post('/admin/login').set('X-Forwarded-For', nextIp()).set('Origin', app.baseUrl).type('form').send(form({ email, password }));
  const cookieFor = async (app: TestApp, email: string, password: string): Promise<string> => {
    const res = await signIn(app, email, password);
    expect(res.status, res.text).to.equal(303);
    return adminCookie(res)!.value;
  };
  const withCookie = (req: supertest.Test, cookie: string) => req.set('Cookie', `nexus_admin=${cookie}`);
  const auditOf = async (action: string) =>
    (await a.http.get(`/api/audit?action=${action}&limit=100`).set('Authorization', root.auth).expect(200)).body.data.items as { actorId: string; target: { type: string; id: string | null }; after: Record<string, unknown> }[];
  const newOperator = async (tag: string) => {
    const u = await a.newUser(tag);
    await a.http.post(`/api/users/${u.userId}/roles`).set('Authorization', root.auth).send({ roleId }).expect((r) => expect(r.status).to.be.oneOf([200, 201]));
    return u;
  };
  const failedJob = () => jobs.failedJob({ payload: { n: 1 } });

  before(async function () {
    this.timeout(120_000);
    const shared = {
      MONGO_DB: uniqueDbName('nexus_e2e_probe'),
      REDIS_KEY_PREFIX: `e2e-probe-${process.pid}`,
      TRUST_PROXY: '1',
      CORS_ORIGINS: SPA_ORIGIN,
      ACCOUNT_LOCK_THRESHOLD: '5',
    };
    a = await startTestApp(this, 'production', shared, undefined, { jobWorker: null });
    b = await startTestApp(this, 'production', shared, undefined, { jobWorker: null });
    root = await a.admin();
    const { target } = a.runtime.config.redis!;
    if (target.kind !== 'single') throw new Error('this test reads one Redis');
    connection = new Redis(target.url, { maxRetriesPerRequest: null });
    jobs = dataQueue(a);
    queue = jobs.queue;
    const role = await a.http
      .post('/api/roles')
      .set('Authorization', root.auth)
      .send({ name: 'probe-operator', permissions: [{ resource: 'jobs', action: 'manage' }] })
      .expect(201);
    roleId = role.body.data.id as string;
    const u = await newOperator('probe-op');
    operator = { email: u.email, password: u.password, userId: u.userId, auth: u.auth };
  });
  after(async () => {
    await jobs?.close();
    connection?.disconnect();
    await a?.close();
    await b?.close();
  });

  context('cross-site requests', () => {
    it('refuses every spelling of a foreign or missing origin on a change, and the job stays where it was', async () => {
      const jobId = await failedJob();
      const cookie = await cookieFor(a, operator.email, operator.password);
      const port = new URL(a.baseUrl).port;
      const retry = () => withCookie(a.agent().put(`/admin/queues/api/queues/data-processing/${jobId}/retry`), cookie);
      const origins = ['null', `http://127.0.0.1:${Number(port) + 1}`, `https://127.0.0.1:${port}`, `HTTP://127.0.0.1:${port}`, `http://127.0.0.1.:${port}`, `${a.baseUrl}/`, `${a.baseUrl}.evil.example`, SPA_ORIGIN, ''];
      for (const origin of origins) {
        const res = await (origin ? retry().set('Origin', origin) : retry()).send({});
        expect(res.status, `Origin "${origin}"`).to.equal(403);
      }
      for (const site of ['none', 'same-site', 'cross-site', 'SAME-ORIGIN', 'same-origin, cross-site']) {
        // A Sec-Fetch-Site that is not exactly same-origin wins over a matching Origin.
        expect((await retry().set('Sec-Fetch-Site', site).set('Origin', a.baseUrl).send({})).status, `Sec-Fetch-Site ${site}`).to.equal(403);
      }
      // Form-encoded and text/plain bodies (what a cross-site form can send), and method override.
      await retry().type('form').send('x=1').expect(403);
      await retry().set('Content-Type', 'text/plain').send('{}').expect(403);
      await withCookie(a.agent().post(`/admin/queues/api/queues/data-processing/${jobId}/retry`), cookie).set('X-HTTP-Method-Override', 'PUT').set('Origin', a.baseUrl).send({}).expect((r) => expect(r.status).to.be.oneOf([404, 405]));
      await withCookie(a.agent().get(`/admin/queues/api/queues/data-processing/${jobId}/retry?_method=PUT`), cookie).set('X-HTTP-Method-Override', 'PUT');
      expect(await queue.getJobState(jobId)).to.equal('failed');
      expect((await auditOf('jobs.dashboard.retry')).filter((e) => e.after['jobId'] === jobId)).to.deep.equal([]);
    });

    it('takes the origin from the Host header only as the proxy forwarded it (TRUST_PROXY), and a spoofed Host matches no browser page', async () => {
      const jobId = await failedJob();
      const cookie = await cookieFor(a, operator.email, operator.password);
      const retry = () => withCookie(a.agent().put(`/admin/queues/api/queues/data-processing/${jobId}/retry`), cookie);
      // A forwarded host that is not what the Origin says.
      await retry().set('X-Forwarded-Host', 'evil.example').set('Origin', a.baseUrl).send({}).expect(403);
      await retry().set('X-Forwarded-Proto', 'https').set('Origin', a.baseUrl).send({}).expect(403);
      await retry().set('Host', 'evil.example').set('Origin', a.baseUrl).send({}).expect(403);
      expect(await queue.getJobState(jobId)).to.equal('failed');
    });

    it('does not let another origin read the board API, not even one CORS_ORIGINS lets call /api', async () => {
      const cookie = await cookieFor(a, operator.email, operator.password);
      // A page on app.example.com is same-site with the dashboard: a SameSite=Strict cookie goes along.
      const read = await withCookie(a.agent().get('/admin/queues/api/queues'), cookie).set('Origin', SPA_ORIGIN).set('Sec-Fetch-Site', 'same-site').set('Sec-Fetch-Mode', 'cors');
      expect(read.headers['access-control-allow-origin'], 'no CORS grant on the dashboard').to.equal(undefined);
      expect(read.status).to.equal(403);
      expect(JSON.stringify(read.body)).to.not.include('data-processing');
      // A browser without Sec-Fetch-Site still sends Origin on a cross-origin fetch.
      const old = await withCookie(a.agent().get('/admin/queues/api/queues'), cookie).set('Origin', SPA_ORIGIN);
      expect(old.headers['access-control-allow-origin']).to.equal(undefined);
      expect(old.status).to.equal(403);
      // The board's own page still reads it, and so does a person opening the URL (or curl).
      await withCookie(a.agent().get('/admin/queues/api/queues'), cookie).set('Sec-Fetch-Site', 'same-origin').expect(200);
      await withCookie(a.agent().get('/admin/queues/api/queues'), cookie).set('Sec-Fetch-Site', 'none').expect(200);
      await withCookie(a.agent().get('/admin/queues/api/queues'), cookie).expect(200);
    });
  });

  context('credentials', () => {
    it('keeps the dashboard cookie and API credentials apart', async () => {
      const cookie = await cookieFor(a, operator.email, operator.password);
      // The cookie is not a credential on /api (browsers do not even send it there: Path=/admin).
      await withCookie(a.agent().get('/api/auth/me'), cookie).expect(401);
      // An API bearer token or an API key does not open the board.
      await a.agent().get('/admin/queues').set('Authorization', operator.auth).expect(303);
      await a.agent().get('/admin/queues/api/queues').set('Authorization', operator.auth).expect(401);
      const key = await a.http.post('/api/api-keys').set('Authorization', root.auth).send({ name: 'probe', permissions: [{ resource: 'jobs', action: 'manage' }] }).expect(201);
      await a.agent().get('/admin/queues/api/queues').set('X-API-Key', key.body.data.key as string).expect(401);
    });

    it('ends dashboard access on this instance when the session ends, the user is suspended or loses jobs:manage on the other', async () => {
      const u = await newOperator('probe-ends');
      const board = (cookie: string) => withCookie(a.agent().get('/admin/queues/api/queues'), cookie);
      const first = await cookieFor(a, u.email, u.password);
      await board(first).expect(200);
      // The permission, taken away through instance b.
      await b.http.delete(`/api/users/${u.userId}/roles/${roleId}`).set('Authorization', root.auth).expect((r) => expect(r.status).to.be.lessThan(300));
      await eventually(async () => ((await board(first)).status === 403 ? true : undefined), 5_000, 'a 403 on a');
      await b.http.post(`/api/users/${u.userId}/roles`).set('Authorization', root.auth).send({ roleId }).expect((r) => expect(r.status).to.be.oneOf([200, 201]));
      await eventually(async () => ((await board(first)).status === 200 ? true : undefined), 5_000, 'a 200 on a');
      // The session, ended through instance b.
      const api = await b.login(u.email, u.password);
      await b.http.delete('/api/auth/sessions?includeCurrent=true').set('Authorization', api.auth).expect(200);
      await eventually(async () => ((await board(first)).status === 401 ? true : undefined), 5_000, 'a 401 on a');
      // The user, suspended through instance b.
      const second = await cookieFor(a, u.email, u.password);
      await board(second).expect(200);
      await b.http.patch(`/api/users/${u.userId}`).set('Authorization', root.auth).send({ status: 'suspended' }).expect(200);
      await eventually(async () => ((await board(second)).status === 401 ? true : undefined), 5_000, 'a 401 on a');
    });

    it('counts form failures under any spelling of the e-mail toward the same lockout as the API', async () => {
      const u = await a.newUser('probe-spell');
      const upper = u.email.toUpperCase();
      // The threshold is 5: four through the forms of both instances, one through the API.
      for (const [app, email] of [
        [a, upper],
        [b, ` ${u.email} `],
        [a, u.email],
        [b, upper],
      ] as const) {
        const res = await signIn(app, email, 'Wrong-Password-123!');
        expect(res.status, email).to.equal(401);
      }
      await b.agent().post('/api/auth/login').set('X-Forwarded-For', nextIp()).send({ email: u.email, password: 'Wrong-Password-123!' }).expect(401);
      // Locked: the right password fails through the form on either instance.
      const locked = await signIn(a, u.email, u.password);
      expect(locked.status).to.equal(401);
      expect(adminCookie(locked)).to.equal(undefined);
    });
  });

  context('pages', () => {
    it('ignores any return address (no open redirect) and echoes an e-mail only escaped', async () => {
      const res = await a.agent().post('/admin/login?next=https://evil.example&returnTo=//evil.example').set('X-Forwarded-For', nextIp()).set('Origin', a.baseUrl).type('form').send(form({ email: operator.email, password: operator.password }));
      expect(res.status).to.equal(303);
      expect(res.headers['location']).to.equal('/admin/queues');
      const out = await a.agent().post('/admin/logout?next=https://evil.example').set('Origin', a.baseUrl).expect(303);
      expect(out.headers['location']).to.equal('/admin/login');
      const evil = '"><img src=x onerror=alert(1)>@example.com';
      const page = await signIn(a, evil, 'Wrong-Password-123!');
      expect(page.text).to.not.include('<img');
      expect(page.text).to.include('&quot;&gt;&lt;img');
      const unknown = await a.agent().post('/admin/login').set('Origin', a.baseUrl).type('form').send('email=x%40y.z&password=p&%3Cscript%3E=1');
      expect(unknown.status).to.equal(400);
      expect(unknown.text).to.not.include('<script>');
    });

    it('serves no file outside bull-board\'s build, whatever the spelling of the path', async () => {
      const cookie = await cookieFor(a, operator.email, operator.password);
      const paths = [
        '/admin/queues/static/..%2f..%2f..%2fpackage.json',
        '/admin/queues/static/%2e%2e/%2e%2e/package.json',
        '/admin/queues/static/%252e%252e/%252e%252e/package.json',
        '/admin/queues/static/..%5c..%5cpackage.json',
        '/admin/queues/static/%c0%ae%c0%ae/package.json',
        '/admin/queues/static/..\\..\\package.json',
        '/admin/assets/..%2f..%2fpackage.json',
        '/admin/assets/../../package.json',
        '/admin/queues/static//etc/passwd',
      ];
      for (const path of paths) {
        const res = await withCookie(a.agent().get(path), cookie);
        expect(res.status, path).to.be.oneOf([400, 404]);
        expect(res.text, path).to.not.include('"dependencies"').and.not.include('root:');
      }
      // Not signed in: not even bull-board's own files.
      const page = await withCookie(a.agent().get('/admin/queues'), cookie).expect(200);
      const script = /<script defer src="([^"]+)"/.exec(page.text)![1]!;
      await a.agent().get(`/admin/queues/${script}`).expect(303);
    });

    it('marks every authenticated answer no-store and every HTML page with a policy that allows no inline script', async () => {
      const cookie = await cookieFor(a, operator.email, operator.password);
      for (const path of ['/admin/queues', '/admin/queues/queue/email', '/admin/queues/api/queues', '/admin/queues/api/redis/stats', '/admin/queues/api/job-schedulers']) {
        const res = await withCookie(a.agent().get(path), cookie).expect(200);
        expect(res.headers['cache-control'], path).to.equal('no-store');
        const csp = String(res.headers['content-security-policy']);
        expect(csp, path).to.not.include('unsafe-inline').and.not.include('unsafe-eval');
        expect(csp, path).to.include("frame-ancestors 'none'");
      }
      for (const path of ['/admin/login']) {
        const res = await a.agent().get(path).expect(200);
        expect(res.headers['cache-control']).to.equal('no-store');
        expect(String(res.headers['content-security-policy'])).to.include("default-src 'none'");
      }
      // Redis statistics carry no password or address of the deployment's own.
      const stats = await withCookie(a.agent().get('/admin/queues/api/redis/stats'), cookie).expect(200);
      expect(JSON.stringify(stats.body)).to.not.match(/pass|requirepass|redis:\/\//i);
    });
  });

  context('what the board shows and changes', () => {
    it('shows job data with secret-looking values redacted, in the list and the single job, and the dead-letter queue is read-only', async () => {
      const job = await queue.add('with-secret', { password: 'hunter2-probe', nested: { apiKey: 'nx_probe_key' }, ok: 'visible' });
      const cookie = await cookieFor(a, operator.email, operator.password);
      const one = await withCookie(a.agent().get(`/admin/queues/api/queues/data-processing/${job.id!}`), cookie).expect(200);
      const list = await withCookie(a.agent().get('/admin/queues/api/queues?activeQueue=data-processing&status=latest&page=1&jobsPerPage=50'), cookie).expect(200);
      for (const body of [one.text, list.text]) expect(body).to.not.include('hunter2-probe').and.not.include('nx_probe_key');
      expect(one.text).to.include('visible');

      const change = (method: 'put' | 'post', path: string) => withCookie(a.agent()[method](`/admin/queues/api/queues/dead-letter${path}`), cookie).set('Origin', a.baseUrl).send({ name: 'x', data: {} });
      for (const [method, path] of [
        ['post', '/add'],
        ['put', '/clean/completed'],
        ['put', '/empty'],
        ['put', '/pause'],
        ['put', '/retry/failed'],
      ] as const) {
        // 405: read-only; adding needs jobs:create first (403), which this operator lacks.
        expect((await change(method, path)).status, path).to.equal(path === '/add' ? 403 : 405);
      }
      await withCookie(a.agent().put('/admin/queues/api/queues/pause'), cookie).set('Origin', a.baseUrl).send({}).expect(200);
      const dead = new Queue('dead-letter', { connection, prefix: a.runtime.config.redis!.keyPrefix });
      try {
        expect(await dead.isPaused()).to.equal(false);
      } finally {
        await dead.close();
        await withCookie(a.agent().put('/admin/queues/api/queues/resume'), cookie).set('Origin', a.baseUrl).send({}).expect(200);
      }
    });

    it('lets only a holder of jobs:create too write what a job does (add, replace its data), as the API does', async () => {
      // jobs:manage alone: the API lets it list and retry dead letters, never queue work.
      const job = await queue.add('probe-pending', { payload: { n: 3 } });
      const cookie = await cookieFor(a, operator.email, operator.password);
      const add = () => withCookie(a.agent().post('/admin/queues/api/queues/email/add'), cookie).set('Origin', a.baseUrl).send({ name: 'send', data: { to: 'anyone@example.com', subject: 'Your account', body: 'Click here' }, options: {} });
      const email = new Queue('email', { connection, prefix: a.runtime.config.redis!.keyPrefix });
      try {
        const before = await email.getJobCountByTypes('waiting', 'delayed', 'prioritized');
        expect((await add()).status).to.equal(403);
        const update = await withCookie(a.agent().patch(`/admin/queues/api/queues/data-processing/${job.id!}/update-data`), cookie).set('Origin', a.baseUrl).send({ jobData: { payload: { n: 4 } } });
        expect(update.status).to.equal(403);
        expect(update.body.message).to.include('jobs:create');
        expect(await email.getJobCountByTypes('waiting', 'delayed', 'prioritized')).to.equal(before);
      } finally {
        await email.close();
      }
      expect((await queue.getJob(job.id!))!.data).to.deep.equal({ payload: { n: 3 } });
      expect((await auditOf('jobs.dashboard.add')).filter((e) => e.actorId === operator.userId)).to.deep.equal([]);
      // Still an operator: retrying, pausing... stay open to jobs:manage.
      await withCookie(a.agent().put('/admin/queues/api/queues/data-processing/pause'), cookie).set('Origin', a.baseUrl).send({}).expect(200);
      await withCookie(a.agent().put('/admin/queues/api/queues/data-processing/resume'), cookie).set('Origin', a.baseUrl).send({}).expect(200);
    });

    it('audits a job added through the board with the id of the job it made', async () => {
      const role = await a.http
        .post('/api/roles')
        .set('Authorization', root.auth)
        .send({ name: 'probe-author', permissions: [{ resource: 'jobs', action: 'manage' }, { resource: 'jobs', action: 'create' }] })
        .expect(201);
      const u = await a.newUser('probe-author');
      await a.http.post(`/api/users/${u.userId}/roles`).set('Authorization', root.auth).send({ roleId: role.body.data.id }).expect((r) => expect(r.status).to.be.oneOf([200, 201]));
      const cookie = await cookieFor(a, u.email, u.password);
      const added = await withCookie(a.agent().post('/admin/queues/api/queues/data-processing/add'), cookie)
        .set('Origin', a.baseUrl)
        .send({ name: 'probe-added', data: { payload: { n: 2 } }, options: {} })
        .expect(200);
      const id = String(added.body.job.id);
      const entries = (await auditOf('jobs.dashboard.add')).filter((e) => e.actorId === u.userId);
      expect(entries.map((e) => e.target.id)).to.deep.equal([id]);
      expect(entries[0]!.after).to.include({ queue: 'data-processing', jobId: id, name: 'probe-added' });

      // One job, not a schedule: a repeating job would go on forever from one audited click.
      const reports = new Queue('reports', { connection, prefix: a.runtime.config.redis!.keyPrefix });
      try {
        const schedulersBefore = (await reports.getJobSchedulers()).length;
        const repeat = await withCookie(a.agent().post('/admin/queues/api/queues/reports/add'), cookie)
          .set('Origin', a.baseUrl)
          .send({ name: 'probe-repeat', data: {}, options: { repeat: { every: 1000 } } });
        expect(repeat.status).to.equal(400);
        expect(repeat.body.message).to.include('repeat');
        expect((await reports.getJobSchedulers()).length).to.equal(schedulersBefore);
        expect((await reports.getDelayed()).filter((j) => j.name === 'probe-repeat')).to.deep.equal([]);
      } finally {
        await reports.close();
      }
      expect((await auditOf('jobs.dashboard.add')).filter((e) => e.actorId === u.userId)).to.have.length(1);
    });

    it('answers a failed read without a stack trace, whatever NODE_ENV says', async () => {
      const prefix = a.runtime.config.redis!.keyPrefix;
      const email = new Queue('email', { connection, prefix });
      const job = await email.add('probe-unreadable', { to: 'x@example.com', subject: 's', body: 'b' });
      await email.close();
      // A job that cannot be read (its data is not JSON): bull-board's read fails.
      await connection.hset(`${prefix}:email:${job.id!}`, 'data', '{not json');
      const cookie = await cookieFor(a, operator.email, operator.password);
      const env = process.env['NODE_ENV'];
      // bull-board adds the stack to its error answers when NODE_ENV is development, Nexus's default.
      process.env['NODE_ENV'] = 'development';
      try {
        const res = await withCookie(a.agent().get(`/admin/queues/api/queues/email/${job.id!}`), cookie);
        expect(res.status).to.equal(500);
        expect(JSON.stringify(res.body)).to.not.match(/\bat .*\.(js|ts):\d+/);
      } finally {
        if (env === undefined) delete process.env['NODE_ENV'];
        else process.env['NODE_ENV'] = env;
      }
    });

    it('audits a bulk change that failed part-way (jobs moved, then an error)', async () => {
      const prefix = a.runtime.config.redis!.keyPrefix;
      const reports = new Queue('reports', { connection, prefix });
      const worker = new Worker(
        'reports',
        async () => {
          throw new Error('report failed');
        },
        { connection: connection.duplicate({ maxRetriesPerRequest: null }), prefix, concurrency: 50 },
      );
      try {
        // More failed jobs than bull-board retries in one page (100), so it moves a page, then reads the next.
        await reports.addBulk(Array.from({ length: 101 }, (_, n) => ({ name: 'probe-report', data: { n }, opts: { attempts: 1 } })));
        await eventually(async () => ((await reports.getJobCounts('failed'))['failed']! >= 101 ? true : undefined), 30_000, '101 failed reports');
      } finally {
        await worker.close();
      }
      // The last job of the second page cannot be read (what a concurrent change or a lost connection does half-way).
      const [broken] = await connection.zrange(`${prefix}:reports:failed`, 0, 0);
      await connection.hset(`${prefix}:reports:${broken!}`, 'data', '{not json');
      const cookie = await cookieFor(a, operator.email, operator.password);
      const res = await withCookie(a.agent().put('/admin/queues/api/queues/reports/retry/failed'), cookie).set('Origin', a.baseUrl).send({});
      expect(res.status).to.equal(500);
      const counts = await reports.getJobCounts('waiting', 'prioritized');
      await reports.close();
      expect(counts['waiting']! + counts['prioritized']!, 'jobs moved before the error').to.be.at.least(100);
      const entries = (await auditOf('jobs.dashboard.retry-all')).filter((e) => e.after['queue'] === 'reports');
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({ actorId: operator.userId });
      expect(entries[0]!.after).to.include({ status: 'failed', outcome: 'error' });
    });
  });
});
