import { expect } from 'chai';
import type { Cluster } from 'ioredis';
import { connectRedis, masters } from '../../src/adapters/redis/redis-connection';
import { eventually } from '../support/eventually';
import { runEntrypoint } from '../support/process';
import { clusterTarget, keySlot } from '../support/redis-cluster';
import { requireService } from '../support/services';
import { startTestApp, type TestApp } from '../support/test-app';

const WRONG = 'Wrong-Password-1!';
let ips = 0;
const freshIp = () => `198.18.${Math.floor(++ips / 250)}.${ips % 250}`;

/** Every key under `pattern`, on whichever master holds it. */
const clusterKeys = async (cluster: Cluster, pattern: string): Promise<{ master: number; key: string }[]> => {
  const found: { master: number; key: string }[] = [];
  for (const [master, node] of masters(cluster).entries()) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...keys.map((key) => ({ master, key })));
    } while (cursor !== '0');
  }
  return found;
};

describe('e2e :: the production profile on a three-master Redis Cluster (REDIS_CLUSTER_NODES)', function () {
  this.timeout(120_000);
  let app: TestApp;
  let nodes: string;
  let cluster: Cluster;
  let prefix: string;

  before(async function () {
    this.timeout(180_000);
    nodes = await requireService(this, 'redis-cluster');
    app = await startTestApp(this, 'production', {
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: nodes,
      TRUST_PROXY: 'true',
      ACCOUNT_LOCK_THRESHOLD: '3',
      RATE_LIMIT_AUTH_MAX: '3',
    });
    prefix = app.runtime.config.redis!.keyPrefix;
    expect(app.runtime.config.redis?.target.kind).to.equal('cluster');
    cluster = (await connectRedis(clusterTarget(nodes), { name: 'test-e2e-observer', failFast: true })) as Cluster;
  });
  after(async () => {
    await app?.close();
    await cluster?.quit();
  });

  it('is ready, with the cache checked on every master', async () => {
    const health = await app.http.get('/health').expect(200);
    expect(health.body.data.checks.cache.status).to.equal('up');
    expect(health.body.data.checks.queue.status).to.equal('up');
  });

  it('registers, logs in, serves a cached read from the cluster and drops it on a write', async () => {
    const ada = await app.newUser('ada');
    const admin = await app.admin();
    const first = await app.http.get(`/api/users/${ada.userId}`).set('Authorization', admin.auth).expect(200);
    expect(first.body.data.email).to.equal(ada.email);
    const cacheKey = `${prefix}:cache:user:${ada.userId}`;
    await eventually(async () => ((await cluster.exists(cacheKey)) === 1 ? true : undefined), 5000, 'the user is cached in the cluster');
    await app.http.patch(`/api/users/${ada.userId}`).set('Authorization', admin.auth).send({ name: 'Ada Lovelace' }).expect(200);
    expect(await cluster.exists(cacheKey)).to.equal(0);
    expect((await app.http.get(`/api/users/${ada.userId}`).set('Authorization', ada.auth).expect(200)).body.data.name).to.equal('Ada Lovelace');
  });

  it("changes a role's permissions and every holder sees it at once: the cached permissions, spread over the masters, are all dropped", async () => {
    const admin = await app.admin();
    const role = await app.http.post('/api/roles').set('Authorization', admin.auth).send({ name: `readers-${Date.now() % 100000}`, permissions: [{ resource: 'users', action: 'read' }] }).expect(201);
    const holders: Awaited<ReturnType<TestApp['newUser']>>[] = [];
    for (let i = 0; i < 8; i++) {
      const s = await app.newUser(`reader${i}`);
      await app.http.post(`/api/users/${s.userId}/roles`).set('Authorization', admin.auth).send({ roleId: role.body.data.id }).expect(200);
      holders.push(s);
    }
    for (const s of holders) await app.http.get('/api/users').set('Authorization', s.auth).expect(200);
    const cached = await clusterKeys(cluster, `${prefix}:cache:perms:*`);
    const mine = cached.filter(({ key }) => holders.some((s) => key.endsWith(s.userId)));
    expect(mine, 'every holder has cached permissions').to.have.length(holders.length);
    expect(new Set(mine.map((k) => k.master)).size, 'on more than one master').to.be.greaterThan(1);

    await app.http.patch(`/api/roles/${role.body.data.id}`).set('Authorization', admin.auth).send({ permissions: [{ resource: 'audit', action: 'read' }] }).expect(200);
    expect(await clusterKeys(cluster, `${prefix}:cache:perms:*`)).to.deep.equal([]);
    for (const s of holders) await app.http.get('/api/users').set('Authorization', s.auth).expect(403);
  });

  it('locks an account after the threshold of failures from many clients: its lock state is one key on one master', async () => {
    const grace = await app.newUser('grace');
    for (let i = 0; i < 3; i++) await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: grace.email, password: WRONG }).expect(401);
    await app.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ email: grace.email, password: grace.password }).expect(401);
    const lock = await clusterKeys(cluster, `${prefix}:lockout:*`);
    expect(lock.filter(({ key }) => key === `${prefix}:lockout:${grace.userId}`)).to.have.length(1);
  });

  it('limits failed logins per client on the cluster: the fourth from one client is 429', async () => {
    const client = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.http.post('/api/auth/login').set('X-Forwarded-For', client).send({ email: `nobody${i}@example.com`, password: WRONG })).status);
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
    // Counted in the cluster, not in this process's insurance limiter.
    const counted = await clusterKeys(cluster, `${prefix}:rl:auth-client:*`);
    expect(counted.map(({ key }) => key)).to.include(`${prefix}:rl:auth-client:${client}`);
  });

  it('queues an e-mail job, a worker processes it, and the queue keeps to one slot ({prefix:email})', async () => {
    const admin = await app.admin();
    const to = 'cluster-job@example.com';
    const res = await app.http.post('/api/jobs/email').set('Authorization', admin.auth).send({ to, subject: 'On the cluster', body: 'Hello' }).expect(202);
    const mail = await eventually(() => app.smtp.to(to)[0], 15_000, 'mail');
    expect(mail.subject).to.equal('On the cluster');
    await eventually(
      async () => ((await app.http.get(`/api/jobs/email/${res.body.data.jobId}`).set('Authorization', admin.auth).expect(200)).body.data.state === 'completed' ? true : undefined),
      10_000,
      'completed',
    );
    const keys = await clusterKeys(cluster, `{${prefix}:email}*`);
    expect(keys.length).to.be.greaterThan(1);
    expect(new Set(keys.map((k) => k.master)).size).to.equal(1);
    expect(new Set(await Promise.all(keys.map((k) => keySlot(cluster, k.key)))).size).to.equal(1);
    expect(await clusterKeys(cluster, `${prefix}:email:*`), 'nothing under the single-Redis names').to.deep.equal([]);
  });
});

describe('e2e :: a contradictory Redis configuration', function () {
  this.timeout(60_000);

  it('refuses REDIS_URL together with REDIS_CLUSTER_NODES at start-up with exit 78, naming the variable among every other problem', async () => {
    const proc = runEntrypoint('src/infrastructure/server.ts', {
      MONGO_URL: 'mongodb://127.0.0.1:1',
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_CLUSTER_NODES: '127.0.0.1:2,127.0.0.1:3',
      LOG_LEVEL: 'loud',
    });
    expect(await proc.exited).to.equal(78);
    expect(proc.output()).to.include('REDIS_CLUSTER_NODES: set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both').and.include('LOG_LEVEL: must be one of');
  });
});
