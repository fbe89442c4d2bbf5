import { expect } from 'chai';
import { PROFILES, type Session, startTestApp, type TestApp } from '../support/test-app';

for (const profile of PROFILES) {
  describe(`e2e :: delegated managers and the people above them (${profile} profile)`, function () {
    this.timeout(90_000);
    let app: TestApp;
    let root: Session;
    let manager: Session;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile);
      root = await app.admin();
      const role = await app.http
        .post('/api/roles')
        .set('Authorization', root.auth)
        .send({ name: 'user-manager', permissions: ['read', 'update', 'delete', 'restore'].map((action) => ({ resource: 'users', action })) })
        .expect(201);
      manager = await app.newUser('manager');
      await app.http.post(`/api/users/${manager.userId}/roles`).set('Authorization', root.auth).send({ roleId: role.body.data.id }).expect(200);
    });
    after(async () => app?.close());

    it('refuses a manager changing the e-mail, name or status of, or deleting, a user who holds permissions the manager lacks (403), and changes nothing', async () => {
      const before = (await app.http.get(`/api/users/${root.userId}`).set('Authorization', root.auth).expect(200)).body.data;
      for (const body of [{ email: 'gone@example.net' }, { status: 'suspended' }, { name: 'Not Root' }]) {
        const res = await app.http.patch(`/api/users/${root.userId}`).set('Authorization', manager.auth).send(body);
        expect(res.status, JSON.stringify(body)).to.equal(403);
        expect(res.body.message).to.match(/\*:\*/);
      }
      expect((await app.http.delete(`/api/users/${root.userId}`).set('Authorization', manager.auth)).status).to.equal(403);
      const after = (await app.http.get(`/api/users/${root.userId}`).set('Authorization', root.auth).expect(200)).body.data;
      expect(after).to.deep.equal(before);
      await app.login('root@nexus.test', 'Root-Access-Granted-77');
    });

    it('lets the manager change an ordinary user, and audits every change with what it was and what it became', async () => {
      const plain = await app.newUser('plain');
      await app.http.patch(`/api/users/${plain.userId}`).set('Authorization', manager.auth).send({ name: 'Renamed', age: 41 }).expect(200);
      const audit = await app.http.get('/api/audit?action=user.updated').set('Authorization', root.auth).expect(200);
      const entry = (audit.body.data.items as { actorId: string; target: { id: string }; before: Record<string, unknown>; after: Record<string, unknown> }[]).find((e) => e.target.id === plain.userId);
      expect(entry?.actorId).to.equal(manager.userId);
      expect(entry?.before).to.include({ name: 'Test plain' });
      expect(entry?.after).to.include({ name: 'Renamed', age: 41 });
    });

    it('ends every session and API key of a suspended user, so reactivating does not bring them back', async () => {
      const victim = await app.newUser('victim');
      const key = (await app.http.post('/api/api-keys').set('Authorization', victim.auth).send({ name: 'k', permissions: [] }).expect(201)).body.data.key as string;
      await app.http.get('/api/api-keys').set('X-API-Key', key).expect(200);
      await app.http.patch(`/api/users/${victim.userId}`).set('Authorization', root.auth).send({ status: 'suspended' }).expect(200);
      await app.http.patch(`/api/users/${victim.userId}`).set('Authorization', root.auth).send({ status: 'active' }).expect(200);
      await app.http.get('/api/auth/me').set('Authorization', victim.auth).expect(401);
      await app.http.post('/api/auth/refresh').send({ refreshToken: victim.refreshToken }).expect(401);
      await app.http.get('/api/api-keys').set('X-API-Key', key).expect(401);
      await app.login(victim.email, victim.password);
    });

    it('answers /api/auth/me to an API key only with users:read in its scope', async () => {
      const owner = await app.newUser('keyowner');
      const bare = (await app.http.post('/api/api-keys').set('Authorization', owner.auth).send({ name: 'bare', permissions: [] }).expect(201)).body.data.key as string;
      await app.http.get('/api/auth/me').set('X-API-Key', bare).expect(403);
      await app.http.get('/api/auth/me').set('Authorization', owner.auth).expect(200);
    });
  });
}
