import { expect } from 'chai';
import { Redis } from 'ioredis';
import { eventually, sleep } from '../support/eventually';
import { requireService, uniqueDbName } from '../support/services';
import { startTestApp, type TestApp } from '../support/test-app';

/** A change made through one instance must be seen by the other within this, its caches warm. */
const WITHIN_MS = 1000;

const sidOf = (accessToken: string): string => (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

/** `id=<n> addr=<ip:port> ... name=<name> ...` lines of CLIENT LIST, as {id, addr, name}. */
const clients = async (redis: Redis): Promise<{ id: string; addr: string; name: string }[]> =>
  ((await redis.client('LIST')) as string)
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ id: /\bid=(\d+)/.exec(line)?.[1] ?? '', addr: /\baddr=(\S+)/.exec(line)?.[1] ?? '', name: /\bname=(\S*)/.exec(line)?.[1] ?? '' }));

/**
 * The production profile's two-level cache with two API instances on one Redis and one
 * MongoDB-wire server: each keeps what it read in process (so a warm authenticated read costs
 * one Redis command, the rate limiter's), and a change through either is seen by the other
 * within a second, also when the other's invalidation subscription was cut.
 */
describe('e2e :: the two-level cache across instances (production profile)', function () {
  this.timeout(180_000);
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  let admin: string;

  before(async function () {
    const shared = { MONGO_DB: uniqueDbName('nexus_e2e_l1'), REDIS_KEY_PREFIX: `e2e-l1-${process.pid}`, CACHE_L1_TTL_MS: '10000' };
    a = await startTestApp(this, 'production', shared);
    b = await startTestApp(this, 'production', shared);
    // The same server the instances use (the harness starts one per run).
    redis = new Redis(await requireService(this, 'redis'), { lazyConnect: true });
    await redis.connect();
    admin = (await a.admin()).auth;
  });
  after(async () => {
    redis?.disconnect();
    await a?.close();
    await b?.close();
  });

  const me = (app: TestApp, auth: string) => app.http.get('/api/auth/me').set('Authorization', auth);
  const warm = async (...calls: (() => PromiseLike<{ status: number }>)[]): Promise<void> => {
    for (let i = 0; i < 2; i++) for (const call of calls) expect((await call()).status).to.equal(200);
  };
  /** Polls until `probe` holds on instance B; fails if that takes WITHIN_MS or more. */
  const seenSoon = async (what: string, probe: () => Promise<boolean>): Promise<void> => {
    const started = Date.now();
    await eventually(async () => ((await probe()) ? true : undefined), WITHIN_MS, what);
    expect(Date.now() - started, what).to.be.below(WITHIN_MS + 250);
  };
  const refusedSoon = (app: TestApp, auth: string) => seenSoon('the token refused on the other instance', async () => (await me(app, auth)).status === 401);
  const perms = async (app: TestApp, auth: string): Promise<string[]> =>
    ((await me(app, auth).expect(200)).body.data.permissions as { resource: string; action: string }[]).map((p) => `${p.resource}:${p.action}`).sort();

  describe('with the in-process copies warm on both (CACHE_L1_TTL_MS=10000: only invalidations end them here)', () => {
    it("a role's permissions changed on A are B's at once", async () => {
      const role = await a.http.post('/api/roles').set('Authorization', admin).send({ name: `l1-readers-${Date.now()}`, permissions: [{ resource: 'users', action: 'read' }] }).expect(201);
      const u = await a.newUser('l1-role');
      await a.http.post(`/api/users/${u.userId}/roles`).set('Authorization', admin).send({ roleId: role.body.data.id }).expect(200);
      await warm(() => me(a, u.auth), () => me(b, u.auth));
      expect(await perms(b, u.auth)).to.include('users:read');
      await a.http.patch(`/api/roles/${role.body.data.id}`).set('Authorization', admin).send({ permissions: [{ resource: 'roles', action: 'read' }] }).expect(200);
      await seenSoon('the new permissions on B', async () => {
        const now = await perms(b, u.auth);
        return now.includes('roles:read') && !now.includes('users:read');
      });
    });

    it('a role taken from a user on A is gone on B at once', async () => {
      const role = await a.http.post('/api/roles').set('Authorization', admin).send({ name: `l1-takers-${Date.now()}`, permissions: [{ resource: 'roles', action: 'read' }] }).expect(201);
      const u = await a.newUser('l1-unassign');
      await a.http.post(`/api/users/${u.userId}/roles`).set('Authorization', admin).send({ roleId: role.body.data.id }).expect(200);
      await warm(() => me(a, u.auth), () => me(b, u.auth), () => b.http.get('/api/roles').set('Authorization', u.auth));
      await a.http.delete(`/api/users/${u.userId}/roles/${role.body.data.id}`).set('Authorization', admin).expect(200);
      await seenSoon('the role gone on B', async () => (await b.http.get('/api/roles').set('Authorization', u.auth)).status === 403);
    });

    it('a user suspended on A is refused on B at once', async () => {
      const u = await a.newUser('l1-suspend');
      await warm(() => me(a, u.auth), () => me(b, u.auth));
      await a.http.patch(`/api/users/${u.userId}`).set('Authorization', admin).send({ status: 'suspended' }).expect(200);
      await refusedSoon(b, u.auth);
    });

    it('a user deleted on A is refused on B at once, and B no longer finds it', async () => {
      const u = await a.newUser('l1-delete');
      await warm(() => me(a, u.auth), () => me(b, u.auth), () => b.http.get(`/api/users/${u.userId}`).set('Authorization', admin));
      await a.http.delete(`/api/users/${u.userId}`).set('Authorization', admin).expect(200);
      await refusedSoon(b, u.auth);
      await seenSoon('the user gone on B', async () => (await b.http.get(`/api/users/${u.userId}`).set('Authorization', admin)).status === 404);
    });

    it('a profile changed on A is read on B at once', async () => {
      const u = await a.newUser('l1-rename');
      await warm(() => b.http.get(`/api/users/${u.userId}`).set('Authorization', admin), () => a.http.get(`/api/users/${u.userId}`).set('Authorization', admin));
      await a.http.patch(`/api/users/${u.userId}`).set('Authorization', admin).send({ name: 'Renamed On A' }).expect(200);
      await seenSoon('the new name on B', async () => (await b.http.get(`/api/users/${u.userId}`).set('Authorization', admin)).body.data?.name === 'Renamed On A');
    });

    it('a session ended on A is refused on B at once', async () => {
      const u = await a.newUser('l1-end-session');
      const other = await b.login(u.email, u.password);
      await warm(() => me(a, other.auth), () => me(b, other.auth));
      await a.http.delete(`/api/auth/sessions/${sidOf(other.accessToken)}`).set('Authorization', u.auth).expect(200);
      await refusedSoon(b, other.auth);
      await me(b, u.auth).expect(200);
    });

    it('a logout on A is refused on B at once', async () => {
      const u = await a.newUser('l1-logout');
      await warm(() => me(a, u.auth), () => me(b, u.auth));
      await a.http.post('/api/auth/logout').send({ refreshToken: u.refreshToken }).expect(200);
      await refusedSoon(b, u.auth);
    });
  });

  describe("with B's invalidation subscription cut (CLIENT KILL)", () => {
    it('B empties and bypasses its copies, so a change made meanwhile is seen at once', async () => {
      const u = await a.newUser('l1-killed');
      const other = await a.newUser('l1-killed-other');
      await warm(() => me(a, u.auth), () => me(b, u.auth), () => me(b, other.auth));
      const bus = (await clients(redis)).filter((c) => c.name === 'nexus-cache-bus');
      expect(bus).to.have.length(2);
      for (const c of bus) await redis.client('KILL', 'ID', c.id);
      // Changed while no subscriber listens: the announcements of these are lost.
      await a.http.patch(`/api/users/${u.userId}`).set('Authorization', admin).send({ status: 'suspended' }).expect(200);
      await a.http.post('/api/auth/logout').send({ refreshToken: other.refreshToken }).expect(200);
      await refusedSoon(b, u.auth);
      await refusedSoon(b, other.auth);
      // Subscribed again: B keeps copies again, and hears again.
      await eventually(async () => ((await clients(redis)).filter((c) => c.name === 'nexus-cache-bus').length === 2 ? true : undefined), 5000, 'both subscribers back');
      await sleep(100);
      const third = await a.newUser('l1-after');
      await warm(() => me(b, third.auth));
      await a.http.post('/api/auth/logout').send({ refreshToken: third.refreshToken }).expect(200);
      await refusedSoon(b, third.auth);
    });
  });

  describe('Redis commands per cached authenticated read', () => {
    /** Every command the instances' cache connections (cache, limiter, pub/sub) send while `during` runs. */
    const commandsDuring = async (during: () => Promise<void>): Promise<string[]> => {
      const names = new Map((await clients(redis)).map((c) => [c.addr, c.name]));
      const monitor = await redis.monitor();
      const seen: string[] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if ((names.get(source) ?? '').startsWith('nexus-cache')) seen.push(args.map(String).join(' ').slice(0, 80));
      });
      // MONITOR reports what the server ran; a marker command proves it has caught up.
      const marker = `l1-marker-${Date.now()}`;
      try {
        await during();
        await redis.echo(marker);
        await sleep(50);
      } finally {
        monitor.disconnect();
      }
      return seen;
    };

    it('is one command (the rate limiter\'s) with the copies warm, where a cold read makes more', async () => {
      const target = await a.newUser('l1-count-target');
      // The registration's welcome mail is sent by whichever instance's worker takes it, which
      // then marks it sent in the cache and announces that: background work on the very
      // connections counted below. Counted once it is done.
      await eventually(() => (a.smtp.to(target.email).length + b.smtp.to(target.email).length > 0 ? true : undefined), 10_000, 'the welcome mail sent');
      await sleep(300);
      const read = () => b.http.get(`/api/users/${target.userId}`).set('Authorization', admin);
      const cold = await commandsDuring(async () => void (await read().expect(200)));
      expect(cold.length, cold.join('\n')).to.be.above(1);
      await warm(read);
      const warmRead = await commandsDuring(async () => void (await read().expect(200)));
      expect(warmRead.length, warmRead.join('\n')).to.be.at.most(1);
      expect(warmRead[0] ?? '').to.match(/^evalsha /i);
    });
  });
});
