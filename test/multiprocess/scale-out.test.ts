import { expect } from 'chai';
import { eventually } from '../support/eventually';
import { ADMIN, type Answer, Client, NexusCluster, type NexusProcess, type Outcome, PASSWORD, pause, requireBuild } from '../support/multiprocess';
import { type Nginx, requireNginx, startNginx } from '../support/nginx';

/** A change made through one API process must be seen by the others within this (issue 13). */
const WITHIN_MS = 1000;
/** The general limit for this suite: one budget per client address across the three processes. */
const API_MAX = 150;
const LOCK_THRESHOLD = 6;
/** The report schedule, every 2 s, so a test sees several ticks. */
const REPORT_CRON = '*/2 * * * * *';
const REPORT_SUBJECT = 'Nexus weekly report';

/**
 * The production profile scaled out on one machine: three API processes and two workers from the
 * compiled build (`npm run build` first, as CI does), on one Redis, one database and one SMTP
 * server. Nothing correctness-relevant may live in one process's memory.
 */
describe('multi-process :: three API processes and two workers on one Redis and one database', function () {
  this.timeout(180_000);
  let cluster: NexusCluster;
  let ports: number[];
  let admin: { client: Client; token: string };
  const clients: Client[] = [];
  const client = (): Client => {
    const c = new Client();
    clients.push(c);
    return c;
  };

  before(async function () {
    this.timeout(150_000);
    requireBuild(this);
    cluster = await NexusCluster.start(this, {
      apis: 3,
      workers: 2,
      env: {
        RATE_LIMIT_API_MAX: String(API_MAX),
        RATE_LIMIT_AUTH_MAX: '1000000',
        ACCOUNT_LOCK_THRESHOLD: String(LOCK_THRESHOLD),
        // Clients are told apart by address; behind nginx, by the address nginx appends.
        TRUST_PROXY: '1',
        REPORT_CRON,
        // Where an in-process first-level cache exists (issue 12), its copies outlive the 1 s
        // bound here, so only its cross-process invalidation can pass the visibility tests.
        CACHE_L1_TTL_MS: '10000',
        WORKER_CONCURRENCY: '3',
        SHUTDOWN_DRAIN_MS: '500',
        SHUTDOWN_TIMEOUT_MS: '20000',
      },
    });
    ports = cluster.apis.map((p) => p.port);
    const c = client();
    admin = { client: c, token: (await c.login(ports[0]!, ADMIN.email, ADMIN.password)).accessToken };
  });

  after(async function () {
    this.timeout(60_000);
    for (const c of clients) c.close();
    await cluster?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && cluster) process.stderr.write(`\n${cluster.logs()}\n`);
  });

  let users = 0;
  const newUser = async (c: Client, port: number, tag: string): Promise<{ email: string; id: string; accessToken: string; refreshToken: string }> => {
    const email = `${tag}-${++users}-${Date.now().toString(36)}@example.com`;
    const reg = await c.post(port, '/api/auth/register', { name: `User ${tag}`, email, password: PASSWORD });
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    const s = await c.login(port, email, PASSWORD);
    return { email, id: s.userId, accessToken: s.accessToken, refreshToken: s.refreshToken };
  };

  /** Reads `path` with `token` twice on each of `on`, expecting `status` (warms whatever each process caches). */
  const warm = async (c: Client, on: readonly number[], path: string, token: string, status = 200): Promise<void> => {
    for (const port of on) {
      for (let i = 0; i < 2; i++) expect((await c.get(port, path, token)).status, `${path} on :${port}`).to.equal(status);
    }
  };

  /**
   * Polls `path` with `token` on each of `on` until it answers `status`; fails unless every one
   * does within WITHIN_MS of `since` (when the change was answered).
   */
  const seenWithin = async (c: Client, on: readonly number[], path: string, token: string, status: number, since: number): Promise<void> => {
    const seenAfter = await Promise.all(
      on.map(async (port) => {
        let last: Answer | undefined;
        for (;;) {
          last = await c.get(port, path, token);
          if (last.status === status) return Date.now() - since;
          if (Date.now() - since > WITHIN_MS) {
            throw new Error(`:${port} still answered ${last.status} to ${path} ${Date.now() - since} ms after the change (expected ${status} within ${WITHIN_MS} ms)`);
          }
          await pause(20);
        }
      }),
    );
    for (const ms of seenAfter) expect(ms).to.be.at.most(WITHIN_MS);
  };

  describe('sessions and access, changed on one process, seen by the others within 1 s', () => {
    it('a token issued by one API process works on the others', async () => {
      const c = client();
      const u = await newUser(c, ports[0]!, 'anywhere');
      for (const port of ports) {
        const me = await c.get(port, '/api/auth/me', u.accessToken);
        expect(me.status).to.equal(200);
        expect((me.body.data as { user: { id: string } }).user.id).to.equal(u.id);
      }
      // And a refresh token issued by one is redeemed on another.
      const refreshed = await c.post(ports[2]!, '/api/auth/refresh', { refreshToken: u.refreshToken });
      expect(refreshed.status).to.equal(200);
    });

    it('a logout on one is seen by the others', async () => {
      const c = client();
      const u = await newUser(c, ports[0]!, 'logout');
      await warm(c, ports, '/api/auth/me', u.accessToken);
      const out = await c.post(ports[0]!, '/api/auth/logout', { refreshToken: u.refreshToken });
      expect(out.status).to.equal(200);
      await seenWithin(c, ports, '/api/auth/me', u.accessToken, 401, Date.now());
    });

    it('a session ended on one (DELETE /api/auth/sessions/:id) is seen by the others', async () => {
      const c = client();
      const u = await newUser(c, ports[0]!, 'ended');
      const other = await c.login(ports[1]!, u.email, PASSWORD);
      await warm(c, ports, '/api/auth/me', other.accessToken);
      const list = await c.get(ports[0]!, '/api/auth/sessions', u.accessToken);
      expect(list.status).to.equal(200);
      const victim = (list.body.data as Array<{ id: string; current: boolean }>).find((s) => !s.current);
      expect(victim, 'the second session').to.not.equal(undefined);
      const ended = await c.send(ports[0]!, 'DELETE', `/api/auth/sessions/${victim!.id}`, { token: u.accessToken });
      expect(ended.status).to.equal(200);
      await seenWithin(c, ports, '/api/auth/me', other.accessToken, 401, Date.now());
      await warm(c, ports, '/api/auth/me', u.accessToken);
    });

    it('a user deleted on one is refused by the others', async () => {
      const c = client();
      const u = await newUser(c, ports[1]!, 'deleted');
      await warm(c, ports, '/api/auth/me', u.accessToken);
      await warm(c, ports, `/api/users/${u.id}`, u.accessToken);
      const del = await admin.client.send(ports[0]!, 'DELETE', `/api/users/${u.id}`, { token: admin.token });
      expect(del.status, JSON.stringify(del.body)).to.equal(200);
      const since = Date.now();
      await seenWithin(c, ports, '/api/auth/me', u.accessToken, 401, since);
      await seenWithin(c, ports, `/api/users/${u.id}`, u.accessToken, 401, since);
    });

    it('a user suspended on one is refused by the others', async () => {
      const c = client();
      const u = await newUser(c, ports[0]!, 'suspended');
      await warm(c, ports, '/api/auth/me', u.accessToken);
      const patch = await admin.client.send(ports[1]!, 'PATCH', `/api/users/${u.id}`, { token: admin.token, body: { status: 'suspended' } });
      expect(patch.status, JSON.stringify(patch.body)).to.equal(200);
      await seenWithin(c, ports, '/api/auth/me', u.accessToken, 401, Date.now());
    });

    it("a role's permissions removed on one are refused by the others", async () => {
      const c = client();
      const u = await newUser(c, ports[0]!, 'role');
      const role = await admin.client.post(ports[0]!, '/api/roles', { name: `mp-readers-${Date.now().toString(36)}`, permissions: [{ resource: 'users', action: 'read' }] }, admin.token);
      expect(role.status, JSON.stringify(role.body)).to.equal(201);
      const roleId = (role.body.data as { id: string }).id;
      const assign = await admin.client.post(ports[0]!, `/api/users/${u.id}/roles`, { roleId }, admin.token);
      expect(assign.status, JSON.stringify(assign.body)).to.be.oneOf([200, 201]);
      // A login after the assignment, so nothing depends on when permissions were read.
      const s = await c.login(ports[2]!, u.email, PASSWORD);
      await eventually(async () => ((await c.get(ports[1]!, '/api/users?limit=1', s.accessToken)).status === 200 ? true : undefined), 5000, 'the role granted');
      await warm(c, ports, '/api/users?limit=1', s.accessToken);
      const patch = await admin.client.send(ports[0]!, 'PATCH', `/api/roles/${roleId}`, { token: admin.token, body: { permissions: [] } });
      expect(patch.status, JSON.stringify(patch.body)).to.equal(200);
      await seenWithin(c, ports, '/api/users?limit=1', s.accessToken, 403, Date.now());
    });
  });

  describe('limits are one budget across processes', () => {
    it('failed logins spread over the three processes lock the account as one', async () => {
      const c = client();
      const victim = await newUser(c, ports[0]!, 'locked');
      const control = await newUser(c, ports[0]!, 'unlocked');
      // One failure short of the threshold, spread: the right password still gets in.
      for (let i = 0; i < LOCK_THRESHOLD - 1; i++) {
        expect((await c.post(ports[i % 3]!, '/api/auth/login', { email: control.email, password: 'Wrong-Password-0000!' })).status).to.equal(401);
      }
      expect((await c.post(ports[2]!, '/api/auth/login', { email: control.email, password: PASSWORD })).status).to.equal(200);
      // The threshold, spread (each process sees only LOCK_THRESHOLD / 3): locked on every process.
      for (let i = 0; i < LOCK_THRESHOLD; i++) {
        expect((await c.post(ports[i % 3]!, '/api/auth/login', { email: victim.email, password: 'Wrong-Password-0000!' })).status).to.equal(401);
      }
      for (const port of ports) {
        const res = await c.post(port, '/api/auth/login', { email: victim.email, password: PASSWORD });
        expect(res.status, `the right password on :${port} after ${LOCK_THRESHOLD} failures spread over three processes`).to.equal(401);
      }
    });

    it('the general rate limit is one budget across the three processes', async () => {
      const c = client();
      let last: Answer | undefined;
      for (let i = 0; i < API_MAX; i++) {
        last = await c.get(ports[i % 3]!, '/api/csrf-token');
        expect(last.status, `request ${i + 1} of ${API_MAX}`).to.equal(200);
      }
      expect(last!.headers['ratelimit-remaining']).to.equal('0');
      // Each process has served a third of the budget; all three refuse the next request.
      for (const port of ports) {
        const over = await c.get(port, '/api/csrf-token');
        expect(over.status, `:${port} over the shared budget`).to.equal(429);
        expect(over.headers['retry-after']).to.match(/^\d+$/);
      }
      // Another client address has its own budget.
      expect((await client().get(ports[0]!, '/api/csrf-token')).status).to.equal(200);
    });
  });

  describe('jobs with two workers', () => {
    it('a cron schedule fires exactly once per tick', async () => {
      const tickOf = (messageId: string): number | undefined => {
        const m = /:(\d{13})-/.exec(messageId);
        return m ? Number(m[1]) : undefined;
      };
      const reports = () => cluster.mail.withSubject(REPORT_SUBJECT);
      await eventually(() => (new Set(reports().map((d) => tickOf(d.messageId))).size >= 4 ? true : undefined), 30_000, 'four report ticks');
      // A duplicate would come from the other worker at about the same time.
      await pause(1500);
      const all = reports();
      const ticks = all.map((d) => tickOf(d.messageId));
      expect(ticks.filter((t) => t === undefined), `message ids: ${all.map((d) => d.messageId).join(' ')}`).to.deep.equal([]);
      const counts = new Map<number, number>();
      for (const t of ticks as number[]) counts.set(t, (counts.get(t) ?? 0) + 1);
      expect([...counts].filter(([, n]) => n !== 1), 'ticks that fired more than once').to.deep.equal([]);
      for (const t of counts.keys()) expect(t % 2000, `tick ${t} is on the schedule`).to.equal(0);
    });

    it('a job is processed exactly once when the workers race for it', async () => {
      const c = client();
      const run = Date.now().toString(36);
      const subjects = Array.from({ length: 60 }, (_, i) => `race ${run} ${i}`);
      const jobIds = new Map<string, string>();
      // Queued through all three processes at once, while both workers wait for work.
      await Promise.all(
        [0, 1, 2].map(async (k) => {
          for (let i = k; i < subjects.length; i += 3) {
            const res = await c.post(ports[k]!, '/api/jobs/email', { to: `race-${i}@example.com`, subject: subjects[i], body: 'race' }, admin.token);
            expect(res.status, JSON.stringify(res.body)).to.equal(202);
            jobIds.set((res.body.data as { jobId: string }).jobId, subjects[i]!);
          }
        }),
      );
      expect(jobIds.size).to.equal(subjects.length);
      await eventually(() => (subjects.every((s) => cluster.mail.withSubject(s).length > 0) ? true : undefined), 60_000, 'every race mail delivered');
      await pause(1500);
      for (const s of subjects) expect(cluster.mail.withSubject(s), s).to.have.length(1);
      // Both workers took part in the race.
      const sentBy = new Map<string, number>();
      for (const line of cluster.logLines()) {
        if (line.message === 'email sent' && jobIds.has(String(line['jobId']))) sentBy.set(line.process, (sentBy.get(line.process) ?? 0) + 1);
      }
      expect([...sentBy.keys()].sort(), JSON.stringify([...sentBy])).to.deep.equal(['worker-1', 'worker-2']);
    });
  });

  describe('rolling restart behind nginx', () => {
    let nginx: Nginx;
    let binary: string;
    before(async function () {
      binary = requireNginx(this);
      nginx = await startNginx(binary, ports);
    });
    after(async () => {
      await nginx?.stop();
    });
    afterEach(function () {
      if (this.currentTest?.state === 'failed' && nginx) process.stderr.write(`\n--- nginx error log\n${nginx.errorLog().slice(-3000)}\n`);
    });

    const loadSubjects: string[] = [];

    it('restarts each API process in turn under steady load without a failed request', async function () {
      this.timeout(150_000);
      const via = nginx.port;
      const outcomes: Outcome[] = [];
      const unexpected: Array<Outcome & { loop: number }> = [];
      let stop = false;
      // Each loop: authenticated reads, a queued mail now and then, a refresh token rotated now
      // and then (a POST nginx must never send twice: a resent refresh would be a reuse).
      const loop = async (id: number): Promise<void> => {
        let c = client();
        let used = 0;
        const fresh = (): Client => {
          // A new client address before this one's rate budget runs out.
          if (++used >= API_MAX - 20) {
            c = client();
            used = 1;
          }
          return c;
        };
        const session = await fresh().login(via, ADMIN.email, ADMIN.password);
        let { accessToken, refreshToken } = session;
        for (let i = 0; !stop; i++) {
          let outcome: Outcome;
          let expected: number;
          if (i % 10 === 9) {
            const subject = `load ${id}-${i}`;
            expected = 202;
            outcome = await fresh().attempt(via, 'POST', '/api/jobs/email', { token: accessToken, body: { to: `load-${id}@example.com`, subject, body: 'load' } });
            if (outcome.status === 202) loadSubjects.push(subject);
          } else if (i % 10 === 4) {
            expected = 200;
            const c2 = fresh();
            const at = Date.now();
            try {
              const res = await c2.post(via, '/api/auth/refresh', { refreshToken });
              outcome = { method: 'POST', path: '/api/auth/refresh', status: res.status, at };
              if (res.status === 200) ({ accessToken, refreshToken } = res.body.data as { accessToken: string; refreshToken: string });
            } catch (err) {
              outcome = { method: 'POST', path: '/api/auth/refresh', error: (err as NodeJS.ErrnoException).code ?? String(err), at };
            }
          } else {
            expected = 200;
            outcome = await fresh().attempt(via, 'GET', i % 2 === 0 ? '/api/auth/me' : '/api/users?limit=5', { token: accessToken });
          }
          outcomes.push(outcome);
          if (outcome.status !== expected) unexpected.push({ ...outcome, loop: id });
        }
      };
      const loops = [1, 2, 3, 4].map((id) => loop(id));
      try {
        await eventually(() => (outcomes.length >= 100 ? true : undefined), 30_000, 'load running');
        const restartedAt = new Map<NexusProcess, number>();
        for (const api of cluster.apis) {
          const probe = client();
          const signalled = Date.now();
          api.proc.child.kill('SIGTERM');
          // Readiness answers 503 first (while the process still serves), for balancers that probe it.
          const readiness = await eventually(async () => {
            const res = await probe.get(api.port, '/health');
            return res.status === 503 ? res : undefined;
          }, 5000, `${api.name} readiness 503 after SIGTERM`);
          // The probe's own keep-alive socket would hold the drain open until its idle timeout.
          probe.close();
          expect((readiness.body.data as { status: string }).status).to.equal('draining');
          expect(Date.now() - signalled).to.be.below(5000);
          expect(await api.proc.exited, `${api.name} exit code`).to.equal(0);
          const stoppedAt = Date.now();
          await cluster.launch(api);
          restartedAt.set(api, Date.now());
          process.stderr.write(`      [rolling] ${api.name}: drained and stopped in ${stoppedAt - signalled} ms, ready again in ${Date.now() - stoppedAt} ms\n`);
          await pause(500);
        }
        // The load goes on until nginx has sent requests to every restarted process again (it
        // leaves a process that refused a connection alone for fail_timeout, 2 s).
        const servedSince = (api: NexusProcess, at: number): number =>
          nginx
            .accessLog()
            .split('\n')
            .filter((l) => l.includes(`upstream=127.0.0.1:${api.port}`) && Number(/ msec=([\d.]+)/.exec(l)?.[1] ?? 0) * 1000 > at).length;
        await eventually(() => ([...restartedAt].every(([api, at]) => servedSince(api, at) > 0) ? true : undefined), 20_000, 'every restarted API served again').catch(() => undefined);
        await pause(500);
        stop = true;
        await Promise.all(loops);

        const span = (outcomes.at(-1)!.at - outcomes[0]!.at) / 1000;
        process.stderr.write(`      [rolling] ${outcomes.length} requests through nginx in ${span.toFixed(1)} s, ${unexpected.length} unexpected\n`);
        expect(unexpected, JSON.stringify(unexpected.slice(0, 10))).to.deep.equal([]);
        expect(outcomes.length).to.be.above(200);
        // nginx sent requests to each restarted process again.
        for (const [api, at] of restartedAt) expect(servedSince(api, at), `requests routed to ${api.name} after its restart`).to.be.above(0);
        for (const api of cluster.apis) {
          const previous = api.logs.at(-2) ?? '';
          expect(previous).to.include('"message":"stopped"');
        }
      } finally {
        stop = true;
        await Promise.all(loops);
      }
    });

    it('restarts each worker in turn with jobs queued and running: none lost, none sent twice', async function () {
      this.timeout(150_000);
      const c = client();
      const token = (await c.login(nginx.port, ADMIN.email, ADMIN.password)).accessToken;
      cluster.mail.delayMs = 200;
      const subjects: string[] = [];
      try {
        for (const worker of cluster.workers) {
          const batch = Array.from({ length: 30 }, (_, i) => `roll ${worker.name} ${Date.now().toString(36)} ${i}`);
          for (const subject of batch) {
            const res = await c.post(nginx.port, '/api/jobs/email', { to: 'roll@example.com', subject, body: 'roll' }, token);
            expect(res.status, JSON.stringify(res.body)).to.equal(202);
          }
          subjects.push(...batch);
          // Some delivered, others running, the rest queued: now the signal.
          await eventually(() => (batch.filter((s) => cluster.mail.withSubject(s).length > 0).length >= 3 ? true : undefined), 30_000, 'mails under way');
          const delivered = batch.filter((s) => cluster.mail.withSubject(s).length > 0).length;
          expect(delivered, 'jobs still queued when the worker is signalled').to.be.below(batch.length);
          expect(await cluster.terminate(worker), `${worker.name} exit code`).to.equal(0);
          const lastRun = worker.logs.at(-1) ?? '';
          expect(lastRun).to.include('"message":"stopped"');
          // It had jobs running when the signal came, and finished them before it stopped.
          const afterSignal = lastRun.slice(lastRun.indexOf('"message":"shutting down"'), lastRun.indexOf('"message":"stopped"'));
          expect(afterSignal, `${worker.name} finished running jobs after SIGTERM`).to.include('"message":"email sent"');
          await cluster.launch(worker);
        }
        const everything = [...subjects, ...loadSubjects];
        await eventually(() => (everything.every((s) => cluster.mail.withSubject(s).length > 0) ? true : undefined), 90_000, 'every queued mail delivered');
        await pause(2000);
        const twice = everything.filter((s) => cluster.mail.withSubject(s).length !== 1);
        expect(twice, 'mails not delivered exactly once').to.deep.equal([]);
        const ids = cluster.mail.deliveries.filter((d) => everything.includes(d.subject)).map((d) => d.messageId);
        expect(new Set(ids).size).to.equal(everything.length);
      } finally {
        cluster.mail.delayMs = 0;
      }
    });
  });
});
