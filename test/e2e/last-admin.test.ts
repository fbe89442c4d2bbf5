import { expect } from 'chai';
import type supertest from 'supertest';
import type { RoleRepository } from '../../src/application/ports/role-repository.port';
import type { UserRepository } from '../../src/application/ports/user-repository.port';
import { TYPES } from '../../src/application/symbols';
import type { UserId } from '../../src/domain/users/user';
import { PROFILES, type Session, startTestApp, type TestApp } from '../support/test-app';

const LAST_HOLDER = /\*:\*/;

for (const profile of PROFILES) {
  describe(`e2e :: the last holder of *:* keeps it (${profile} profile)`, function () {
    this.timeout(90_000);
    let app: TestApp;
    let root: Session;
    let adminRoleId: string;

    // Every test starts from a fresh app where the seeded root is the only administrator.
    beforeEach(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile);
      root = await app.admin();
      const roles = (await app.http.get('/api/roles').set('Authorization', root.auth).expect(200)).body.data as { id: string; name: string }[];
      adminRoleId = roles.find((r) => r.name === 'admin')!.id;
    });
    afterEach(async () => app?.close());

    /** Active, not deleted users that hold a role granting `*:*`, read from the store itself. */
    const holders = async (): Promise<string[]> => {
      const roles = await app.runtime.container.get<RoleRepository>(TYPES.RoleRepository).list();
      const everything = new Set(roles.filter((r) => r.permissions.some((p) => p.resource === '*' && p.action === '*')).map((r) => r.id as string));
      const users = app.runtime.container.get<UserRepository>(TYPES.UserRepository);
      const ids: string[] = [];
      for await (const u of users.streamVisible()) if (u.status === 'active' && u.roleIds.some((r) => everything.has(r))) ids.push(u.id);
      return ids;
    };

    const makeAdmin = async (tag: string) => {
      const s = await app.newUser(tag);
      await app.http.post(`/api/users/${s.userId}/roles`).set('Authorization', root.auth).send({ roleId: adminRoleId }).expect(200);
      return s;
    };

    it('refuses to let the only administrator lose *:* by unassign, transfer, suspension or deletion (409 saying why)', async () => {
      const plain = (await app.http.post('/api/roles').set('Authorization', root.auth).send({ name: 'plain', permissions: [] }).expect(201)).body.data.id as string;
      const attempts: [string, supertest.Test][] = [
        ['unassign', app.http.delete(`/api/users/${root.userId}/roles/${adminRoleId}`)],
        ['transfer', app.http.post(`/api/users/${root.userId}/roles/transfer`).send({ fromRoleId: adminRoleId, toRoleId: plain })],
        ['suspend', app.http.patch(`/api/users/${root.userId}`).send({ status: 'suspended' })],
        ['delete', app.http.delete(`/api/users/${root.userId}`)],
      ];
      for (const [what, request] of attempts) {
        const res = await request.set('Authorization', root.auth);
        expect(res.status, what).to.equal(409);
        expect(res.body.message, what).to.match(LAST_HOLDER);
      }
      // A deputy allowed to delete and suspend users cannot touch an administrator at all: the
      // administrator holds permissions the deputy does not (403, before the guard is asked).
      const deputyRole = (await app.http.post('/api/roles').set('Authorization', root.auth).send({ name: 'deputy', permissions: [{ resource: 'users', action: '*' }] }).expect(201)).body.data.id as string;
      const deputy = await app.newUser('deputy');
      await app.http.post(`/api/users/${deputy.userId}/roles`).set('Authorization', root.auth).send({ roleId: deputyRole }).expect(200);
      expect((await app.http.delete(`/api/users/${root.userId}`).set('Authorization', deputy.auth)).status).to.equal(403);
      expect((await app.http.patch(`/api/users/${root.userId}`).set('Authorization', deputy.auth).send({ status: 'suspended' })).status).to.equal(403);

      expect(await holders()).to.deep.equal([root.userId]);
      const me = await app.http.get('/api/auth/me').set('Authorization', root.auth).expect(200);
      expect(me.body.data.permissions).to.deep.equal([{ resource: '*', action: '*' }]);
    });

    it('lets an administrator step down once someone else holds *:*, and then not the other', async () => {
      const second = await makeAdmin('second');
      await app.http.delete(`/api/users/${root.userId}/roles/${adminRoleId}`).set('Authorization', root.auth).expect(200);
      expect(await holders()).to.deep.equal([second.userId]);
      const res = await app.http.delete(`/api/users/${second.userId}/roles/${adminRoleId}`).set('Authorization', second.auth).expect(409);
      expect(res.body.message).to.match(LAST_HOLDER);
      // Suspending or deleting a former administrator is ordinary.
      await app.http.patch(`/api/users/${root.userId}`).set('Authorization', second.auth).send({ status: 'suspended' }).expect(200);
      await app.http.delete(`/api/users/${root.userId}`).set('Authorization', second.auth).expect(200);
    });

    it('refuses a role edit that would leave nobody holding *:*', async () => {
      const everything = (await app.http.post('/api/roles').set('Authorization', root.auth).send({ name: 'root-too', permissions: [{ resource: '*', action: '*' }] }).expect(201)).body.data.id as string;
      const other = await app.newUser('other-root');
      await app.http.post(`/api/users/${other.userId}/roles`).set('Authorization', root.auth).send({ roleId: everything }).expect(200);
      await app.http.delete(`/api/users/${root.userId}/roles/${adminRoleId}`).set('Authorization', root.auth).expect(200);
      const res = await app.http.patch(`/api/roles/${everything}`).set('Authorization', other.auth).send({ permissions: [{ resource: 'users', action: 'read' }] }).expect(409);
      expect(res.body.message).to.match(LAST_HOLDER);
      await app.http.patch(`/api/users/${other.userId}`).set('Authorization', other.auth).send({ status: 'suspended' }).expect(409);
      expect(await holders()).to.deep.equal([other.userId]);
      // With a second holder the same edit goes through.
      await app.http.post(`/api/users/${root.userId}/roles`).set('Authorization', other.auth).send({ roleId: adminRoleId }).expect(200);
      await app.http.patch(`/api/roles/${everything}`).set('Authorization', other.auth).send({ permissions: [{ resource: 'users', action: 'read' }] }).expect(200);
      expect(await holders()).to.deep.equal([root.userId]);
    });

    it('leaves at least one holder when every administrator demotes every other at the same moment', async function () {
      const admins = [root, ...(await Promise.all(['a1', 'a2', 'a3', 'a4'].map((t) => makeAdmin(t))))];
      // In the production profile the requests are spread over two API instances on one database:
      // a lock inside one process would not see the other's writes.
      const second = profile === 'production'
        ? await startTestApp(this, profile, { MONGO_DB: app.runtime.config.mongo!.dbName, REDIS_KEY_PREFIX: app.runtime.config.redis!.keyPrefix })
        : undefined;
      try {
        const agents = [app.http, second?.http ?? app.http];
        const requests: Promise<supertest.Response>[] = [];
        const targets: string[] = [];
        let n = 0;
        for (const by of admins) {
          for (const target of admins) {
            if (by === target) continue;
            const agent = agents[n++ % agents.length]!;
            const kind = n % 3;
            const request =
              kind === 0
                ? agent.delete(`/api/users/${target.userId}/roles/${adminRoleId}`)
                : kind === 1
                  ? agent.patch(`/api/users/${target.userId}`).send({ status: 'suspended' })
                  : agent.delete(`/api/users/${target.userId}`);
            requests.push(request.set('Authorization', by.auth).then((r) => r));
            targets.push(target.userId);
          }
        }
        const results = await Promise.all(requests);
        const statuses = results.map((r) => r.status);
        const left = await holders();
        expect(left.length, `holders left; statuses ${statuses.join(',')}`).to.be.at.least(1);
        for (const r of results) expect([200, 401, 403, 404, 409], JSON.stringify(r.body)).to.include(r.status);
        // Everyone tried to take *:* from the survivor, and lost: 409 when the attempt reached the
        // check (the survivor was the last holder by then), 401/403 when its caller had itself
        // just lost its account or its permissions. Never a 5xx, never a success.
        const againstSurvivor = results.filter((_, i) => targets[i] === left[0]);
        expect(againstSurvivor).to.have.length(admins.length - 1);
        for (const r of againstSurvivor) {
          expect([401, 403, 409], JSON.stringify(r.body)).to.include(r.status);
          if (r.status === 409) expect(r.body.message).to.match(LAST_HOLDER);
        }
        // And the survivor still works as an administrator.
        const survivor = admins.find((a) => a.userId === left[0])!;
        await app.http.get('/api/users').set('Authorization', survivor.auth).expect(200);
        const stored = await app.runtime.container.get<UserRepository>(TYPES.UserRepository).findById(left[0] as UserId);
        expect(stored?.status).to.equal('active');
      } finally {
        await second?.close();
      }
    });

    it('leaves one holder when two administrators demote each other at the same moment, every time', async () => {
      for (let round = 0; round < 5; round++) {
        const a = await makeAdmin(`pa${round}`);
        const b = await makeAdmin(`pb${round}`);
        // Root steps aside so that a and b are the only holders.
        await app.http.delete(`/api/users/${root.userId}/roles/${adminRoleId}`).set('Authorization', root.auth).expect(200);
        const [ab, ba] = await Promise.all([
          app.http.delete(`/api/users/${b.userId}/roles/${adminRoleId}`).set('Authorization', a.auth).then((r) => r),
          app.http.delete(`/api/users/${a.userId}/roles/${adminRoleId}`).set('Authorization', b.auth).then((r) => r),
        ]);
        expect([ab.status, ba.status].sort(), `round ${round}`).to.satisfy((s: number[]) => s[0] === 200 && (s[1] === 409 || s[1] === 403));
        const left = await holders();
        expect(left).to.have.length(1);
        // Give root back its role for the next round, from whoever is left.
        const survivor = left[0] === a.userId ? a : b;
        await app.http.post(`/api/users/${root.userId}/roles`).set('Authorization', survivor.auth).send({ roleId: adminRoleId }).expect(200);
        await app.http.delete(`/api/users/${survivor.userId}/roles/${adminRoleId}`).set('Authorization', root.auth).expect(200);
      }
    });
  });
}
