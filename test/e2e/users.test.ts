import { expect } from 'chai';
import type { UserRepository } from '../../src/application/ports/user-repository.port';
import { TYPES } from '../../src/application/symbols';
import type { UserId } from '../../src/domain/users/user';
import { eventually } from '../support/eventually';
import { PROFILES, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

for (const profile of PROFILES) {
  describe(`e2e :: users (${profile} profile)`, function () {
    this.timeout(30_000);
    let app: TestApp;
    let admin: string;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile);
      admin = (await app.admin()).auth;
    });
    after(async () => app?.close());

    const createUser = (body: Record<string, unknown>) =>
      app.http.post('/api/users').set('Authorization', admin).send({ password: USER_PASSWORD, ...body });

    it('creates a user, serves the second read from cache, invalidates on update, and sends the welcome e-mail', async () => {
      const email = `ada.${profile}@example.com`;
      const created = await createUser({ name: 'Ada Lovelace', email: email.toUpperCase(), age: 36 }).expect(201);
      expect(created.body).to.include({ success: true, statusCode: 201 });
      const user = created.body.data;
      expect(user).to.include({ name: 'Ada Lovelace', email, age: 36, status: 'active' });
      expect(user.id).to.match(/^[0-9a-f]{24}$/);
      expect(created.headers['location']).to.equal(`/api/users/${user.id}`);

      const first = await app.http.get(`/api/users/${user.id}`).set('Authorization', admin).expect(200);
      expect(first.body.data).to.deep.equal(user);

      // Change the stored user behind the cache's back: a cached read does not see it.
      const repository = app.runtime.container.get<UserRepository>(TYPES.UserRepository);
      const stored = (await repository.findById(user.id as UserId))!;
      expect(await repository.update({ ...stored, name: 'Changed Behind The Cache', version: stored.version + 1 })).to.equal('updated');
      const second = await app.http.get(`/api/users/${user.id}`).set('Authorization', admin).expect(200);
      expect(second.body.data.name).to.equal('Ada Lovelace');

      // An update through the API invalidates the cached copy.
      const updated = await app.http.patch(`/api/users/${user.id}`).set('Authorization', admin).send({ name: 'Ada King' }).expect(200);
      expect(updated.body.data.name).to.equal('Ada King');
      const third = await app.http.get(`/api/users/${user.id}`).set('Authorization', admin).expect(200);
      expect(third.body.data.name).to.equal('Ada King');

      const mails = await eventually(() => (app.smtp.to(email).length > 0 ? app.smtp.to(email) : undefined), 10_000, 'welcome e-mail');
      expect(mails).to.have.length(1);
      expect(mails[0]!.subject).to.equal('Welcome to Nexus');
      expect(mails[0]!.raw).to.include('Hello Ada Lovelace');
    });

    it('answers 409 for an e-mail already in use, whatever its case', async () => {
      await createUser({ name: 'First', email: `dup.${profile}@example.com` }).expect(201);
      const res = await createUser({ name: 'Second', email: `DUP.${profile}@Example.com` }).expect(409);
      expect(res.body).to.include({ success: false, statusCode: 409 });
      expect(res.body.errors).to.deep.equal([{ path: 'email', message: 'is already in use' }]);
    });

    it('answers 400 naming the field for a malformed id, and 404 for an unknown one', async () => {
      const bad = await app.http.get('/api/users/not-an-id').set('Authorization', admin).expect(400);
      expect(bad.body.errors).to.deep.equal([{ path: 'id', message: 'must be a 24-character hex id' }]);
      const unknown = await app.http.get('/api/users/0123456789abcdef01234567').set('Authorization', admin).expect(404);
      expect(unknown.body).to.include({ success: false, statusCode: 404, message: 'User not found' });
      await app.http.patch('/api/users/0123456789abcdef01234567').set('Authorization', admin).send({ name: 'x' }).expect(404);
    });

    it('answers 400 naming every unknown and every bad field, and creates nothing', async () => {
      const email = `strict.${profile}@example.com`;
      const res = await createUser({ name: 'Eve', email, age: -3, isAdmin: true }).expect(400);
      const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
      expect(paths).to.have.members(['isAdmin', 'age']);
      expect(res.body.requestId).to.be.a('string');
      await createUser({ name: 'Eve', email }).expect(201);
    });

    it('answers 400 for a missing field and for an invalid e-mail', async () => {
      const missing = await createUser({ email: `nameless.${profile}@example.com` }).expect(400);
      expect(missing.body.errors).to.deep.equal([{ path: 'name', message: 'is required' }]);
      const noPassword = await app.http.post('/api/users').set('Authorization', admin).send({ name: 'No Pass', email: `nopass.${profile}@example.com` }).expect(400);
      expect(noPassword.body.errors).to.deep.equal([{ path: 'password', message: 'is required' }]);
      const invalid = await createUser({ name: 'Bob', email: 'bob-at-example' }).expect(400);
      expect(invalid.body.errors).to.deep.equal([{ path: 'email', message: 'must be a valid e-mail address' }]);
    });

    it('strips HTML from names', async () => {
      const res = await createUser({ name: '<script>alert(1)</script>Mallory <b>M</b>', email: `html.${profile}@example.com` }).expect(201);
      expect(res.body.data.name).to.equal('alert(1)Mallory M');
    });

    it('answers 413 for a body over the limit and 400 for JSON that does not parse', async () => {
      const big = await createUser({ name: 'x'.repeat(200 * 1024), email: `big.${profile}@example.com` }).expect(413);
      expect(big.body).to.include({ success: false, statusCode: 413 });
      const broken = await app.http.post('/api/users').set('Authorization', admin).set('Content-Type', 'application/json').send('{"name": ').expect(400);
      expect(broken.body.message).to.equal('The body is not valid JSON');
    });

    it('refuses NoSQL operator keys in the body, naming the path', async () => {
      const res = await createUser({ name: 'x', email: { $ne: null } }).expect(400);
      expect(res.body.errors).to.deep.equal([{ path: 'email.$ne', message: 'is not an allowed key (no "$" prefix or ".")' }]);
    });

    it('answers JSON 404 for an unknown route and echoes a client request id', async () => {
      const res = await app.http.get('/api/nothing-here').set('X-Request-ID', 'client-id-123').expect(404);
      expect(res.headers['x-request-id']).to.equal('client-id-123');
      expect(res.body).to.include({ success: false, statusCode: 404, requestId: 'client-id-123' });
    });

    it('reports readiness of every dependency', async () => {
      const res = await app.http.get('/health').expect(200);
      expect(res.body.data.status).to.equal('ok');
      expect(Object.keys(res.body.data.checks)).to.have.members(['database', 'cache', 'queue']);
      for (const check of Object.values(res.body.data.checks) as { status: string }[]) expect(check.status).to.equal('up');
      await app.http.get('/health/live').expect(200);
    });
  });
}
