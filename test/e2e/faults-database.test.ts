import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually, sleep } from '../support/eventually';
import { capturingLogger } from '../support/logger';
import { freePort, requireLocalBinary, requireService, waitForPort } from '../support/services';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

const FERRETDB = resolve(__dirname, '../../.tools/bin/ferretdb');
/** The driver's server-selection limit in this test: what each call used to wait before its 503. */
const SELECTION_LIMIT_MS = 5000;

/** A private FerretDB that can be stopped and started again on the same port, with the same data. */
const ferretOn = async (port: number, dir: string): Promise<ChildProcess> => {
  const child = spawn(process.env['NEXUS_FERRETDB'] ?? FERRETDB, ['-listen', `127.0.0.1:${port}`, '-dir', dir], { stdio: 'ignore' });
  await waitForPort(port, 20_000, child);
  return child;
};
const stop = async (child: ChildProcess | undefined): Promise<void> => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
};

describe('e2e :: MongoDB down, fail fast (production profile)', function () {
  this.timeout(120_000);

  it('answers 503 far under the server-selection limit once the driver has noticed, and serves again after a restart', async function () {
    await requireService(this, 'redis');
    requireLocalBinary(this, 'ferretdb');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'nexus-ferretdb-'));
    let ferret: ChildProcess | undefined = await ferretOn(port, dir);
    let app: TestApp | undefined;
    const { logger, lines } = capturingLogger();
    try {
      app = await startTestApp(this, 'production', { MONGO_URL: `mongodb://127.0.0.1:${port}/?directConnection=true`, CONNECT_TIMEOUT_MS: String(SELECTION_LIMIT_MS) }, logger);
      const admin = (await app.admin()).auth;
      const someone = await app.newUser('before-outage');
      const list = () => app!.http.get(`/api/users?search=${encodeURIComponent(someone.email)}`).set('Authorization', admin);
      await list().expect(200);

      await stop(ferret);
      ferret = undefined;
      // The driver notices through a failed call or heartbeat; readiness makes such a call.
      await eventually(async () => ((await app!.http.get('/health')).body.data?.checks?.database?.status === 'down' ? true : undefined), 20_000, 'readiness sees the database down');
      await sleep(3000); // a heartbeat or two: the driver now knows no server is there

      const calls = [
        () => list(),
        () => app!.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
        () => app!.http.post('/api/auth/register').send({ name: 'During Outage', email: 'during-outage@example.com', password: USER_PASSWORD }),
        () => app!.http.get('/api/roles').set('Authorization', admin),
        () => app!.http.get('/api/audit').set('Authorization', admin),
        () => list(),
      ];
      for (const call of calls) {
        const started = Date.now();
        const res = await call();
        const took = Date.now() - started;
        expect(res.status, `${res.status} ${JSON.stringify(res.body)}`).to.equal(503);
        expect(res.body).to.include({ success: false, statusCode: 503 });
        expect(res.headers['retry-after']).to.equal('5');
        // A behavioural bound, far under the limit each call used to wait, not a benchmark.
        expect(took, 'ms for one 503').to.be.below(1000);
      }
      const health = Date.now();
      await app.http.get('/health').expect(503);
      expect(Date.now() - health).to.be.below(1000);
      expect(lines().some((l) => l['message'] === 'MongoDB is unreachable: database calls answer 503 at once until it is back')).to.equal(true);

      ferret = await ferretOn(port, dir);
      await eventually(async () => ((await list()).status === 200 ? true : undefined), 30_000, 'served again after the restart');
      const after = await list().expect(200);
      expect(after.body.data.items.map((u: { email: string }) => u.email)).to.deep.equal([someone.email]);
      await app.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      await eventually(async () => ((await app!.http.get('/health')).status === 200 ? true : undefined), 20_000, 'ready again');
      expect(lines().some((l) => l['message'] === 'MongoDB is reachable again')).to.equal(true);
      // Nothing was created while the database was away.
      await app.http.post('/api/auth/login').send({ email: 'during-outage@example.com', password: USER_PASSWORD }).expect(401);
    } finally {
      await app?.close().catch(() => undefined);
      await stop(ferret);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 503 at once while the database hangs (frozen, not refusing), once the driver has noticed, and resumes after', async function () {
    await requireService(this, 'redis');
    requireLocalBinary(this, 'ferretdb');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'nexus-ferretdb-'));
    const ferret = await ferretOn(port, dir);
    let app: TestApp | undefined;
    try {
      app = await startTestApp(this, 'production', { MONGO_URL: `mongodb://127.0.0.1:${port}/?directConnection=true`, CONNECT_TIMEOUT_MS: String(SELECTION_LIMIT_MS) }, capturingLogger().logger);
      const admin = (await app.admin()).auth;
      const someone = await app.newUser('before-freeze');
      const list = () => app!.http.get(`/api/users?search=${encodeURIComponent(someone.email)}`).set('Authorization', admin).timeout(SELECTION_LIMIT_MS);
      await list().expect(200);

      // A hung server accepts connections and never answers: every call waits out a time limit.
      ferret.kill('SIGSTOP');
      // The driver's default heartbeat (10 s) plus its check's time limit: it has noticed by now.
      await sleep(10_000 + SELECTION_LIMIT_MS + 1000);
      for (let i = 0; i < 3; i += 1) {
        const started = Date.now();
        const res = await list().catch((err: Error) => ({ status: `no answer: ${err.message}`, body: {} }));
        expect(res.status).to.equal(503);
        expect(Date.now() - started, 'ms for one 503').to.be.below(1000);
      }

      ferret.kill('SIGCONT');
      await eventually(async () => ((await list()).status === 200 ? true : undefined), 30_000, 'served again after the database resumed');
    } finally {
      ferret.kill('SIGCONT');
      await app?.close().catch(() => undefined);
      await stop(ferret);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
