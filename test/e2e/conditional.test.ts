import { expect } from 'chai';
import type { UserRepository } from '../../src/application/ports/user-repository.port';
import { TYPES } from '../../src/application/symbols';
import type { UserId } from '../../src/domain/users/user';
import { PROFILES, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

const ORIGIN = 'https://app.example.com';

for (const profile of PROFILES) {
  describe(`e2e :: conditional requests on users (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;
    let admin: string;
    let n = 0;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile, { CORS_ORIGINS: ORIGIN });
      admin = (await app.admin()).auth;
    });
    after(async () => app?.close());

    const create = async (name = 'Etag Person'): Promise<{ id: string; etag: string }> => {
      const res = await app.http
        .post('/api/users')
        .set('Authorization', admin)
        .send({ name, email: `etag.${++n}.${profile}@example.com`, password: USER_PASSWORD })
        .expect(201);
      return { id: res.body.data.id as string, etag: res.headers['etag'] as string };
    };
    const read = (id: string) => app.http.get(`/api/users/${id}`).set('Authorization', admin);
    const stored = (id: string) => app.runtime.container.get<UserRepository>(TYPES.UserRepository).findById(id as UserId);

    it('tags a user with a strong ETag and answers 304, with no body, to If-None-Match naming it', async () => {
      const { id, etag } = await create();
      const first = await read(id).expect(200);
      expect(first.headers['etag']).to.equal(etag).and.match(/^"[0-9a-f]{24}-1-[0-9a-f]{8}"$/);
      expect(first.headers['cache-control']).to.equal('private, no-cache');
      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const again = await read(id).set('If-None-Match', ifNoneMatch).expect(304);
        expect(again.text, ifNoneMatch).to.equal('');
        expect(again.headers['etag']).to.equal(etag);
      }
      await read(id).set('If-None-Match', '"something-else"').expect(200);
      await read(id).set('If-None-Match', 'not a tag list').expect(200);

      await app.http.patch(`/api/users/${id}`).set('Authorization', admin).send({ name: 'Renamed' }).expect(200);
      const changed = await read(id).set('If-None-Match', etag).expect(200);
      expect(changed.body.data.name).to.equal('Renamed');
      expect(changed.headers['etag']).to.not.equal(etag);
    });

    it('checks access before answering 304: no one learns a version they may not read', async () => {
      const { id, etag } = await create();
      const member = await app.newUser('etag-member');
      await app.http.get(`/api/users/${id}`).set('Authorization', member.auth).set('If-None-Match', etag).expect(403);
      await app.http.get('/api/users/0123456789abcdef01234567').set('Authorization', admin).set('If-None-Match', '*').expect(404);
    });

    it('tags a list page and answers 304 until a user on it changes', async () => {
      const { id } = await create('Listtag Person');
      const url = '/api/users?search=listtag&limit=5';
      const first = await app.http.get(url).set('Authorization', admin).expect(200);
      const etag = first.headers['etag'] as string;
      expect(etag).to.match(/^"l-[\w-]{27}"$/);
      const again = await app.http.get(url).set('Authorization', admin).set('If-None-Match', etag).expect(304);
      expect(again.text).to.equal('');
      // Another page, or the same page counted differently, is another representation.
      const uncounted = await app.http.get(`${url}&total=false`).set('Authorization', admin).set('If-None-Match', etag).expect(200);
      expect(uncounted.headers['etag']).to.not.equal(etag);

      await app.http.patch(`/api/users/${id}`).set('Authorization', admin).send({ age: 41 }).expect(200);
      const changed = await app.http.get(url).set('Authorization', admin).set('If-None-Match', etag).expect(200);
      expect(changed.headers['etag']).to.not.equal(etag);
    });

    it('writes with If-Match naming the current ETag, and answers 412 for a stale one, changing nothing', async () => {
      const { id, etag } = await create();
      const updated = await app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', etag).send({ name: 'First Write' }).expect(200);
      const fresh = updated.headers['etag'] as string;
      expect(fresh).to.match(/-2-/).and.equal((await read(id)).headers['etag']);

      const stale = await app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', etag).send({ name: 'Lost Update' }).expect(412);
      expect(stale.body).to.include({ success: false, statusCode: 412 });
      expect(stale.body.message).to.match(/changed since/);
      expect(stale.body.errors).to.deep.equal([{ path: 'If-Match', message: 'does not match the current ETag' }]);
      expect(stale.body.requestId).to.be.a('string');
      expect((await stored(id))?.name).to.equal('First Write');

      // A weak tag never matches If-Match; neither does another user's tag.
      const other = await create();
      await app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', `W/${fresh}`).send({ name: 'Weak' }).expect(412);
      await app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', other.etag).send({ name: 'Other' }).expect(412);
      // `*` (it exists) and a list with the current tag in it both pass.
      const star = await app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', '*').send({ name: 'Star' }).expect(200);
      await app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', `${etag}, ${star.headers['etag'] as string}`).send({ name: 'Listed' }).expect(200);
      expect((await stored(id))?.name).to.equal('Listed');
    });

    it('refuses a malformed If-Match with 400 naming it, and writes nothing', async () => {
      const { id, etag } = await create();
      for (const bad of ['abc', etag.slice(0, -1), `${etag} ${etag}`, 'W/abc']) {
        const res = await app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', bad).send({ name: 'Never' });
        expect(res.status, bad).to.equal(400);
        expect(res.body.errors, bad).to.deep.equal([{ path: 'If-Match', message: 'must be * or a list of entity tags, such as "<the ETag of your last read>"' }]);
        await app.http.delete(`/api/users/${id}`).set('Authorization', admin).set('If-Match', bad).expect(400);
      }
      const user = await stored(id);
      expect(user).to.deep.include({ name: 'Etag Person', version: 1, isDeleted: false });
    });

    it('answers what it would answer anyway before 412: 404 for an unknown user, 403 for one the caller may not change', async () => {
      await app.http.patch('/api/users/0123456789abcdef01234567').set('Authorization', admin).set('If-Match', '"stale"').send({ name: 'x' }).expect(404);
      const { id } = await create();
      const member = await app.newUser('etag-nobody');
      await app.http.patch(`/api/users/${id}`).set('Authorization', member.auth).set('If-Match', '"stale"').send({ name: 'x' }).expect(403);
      await app.http.delete(`/api/users/${id}`).set('Authorization', member.auth).set('If-Match', '"stale"').expect(403);
    });

    it('deletes with If-Match only over the current version', async () => {
      const { id, etag } = await create();
      const { headers } = await app.http.patch(`/api/users/${id}`).set('Authorization', admin).send({ age: 30 }).expect(200);
      await app.http.delete(`/api/users/${id}`).set('Authorization', admin).set('If-Match', etag).expect(412);
      expect((await stored(id))?.isDeleted).to.equal(false);
      await app.http.delete(`/api/users/${id}`).set('Authorization', admin).set('If-Match', headers['etag'] as string).expect(200);
      expect((await stored(id))?.isDeleted).to.equal(true);
    });

    it('lets exactly one of many concurrent PATCHes with the same If-Match win; the others get 412', async () => {
      const { id, etag } = await create();
      const names = Array.from({ length: 8 }, (_, i) => `Racer ${i}`);
      const answers = await Promise.all(names.map((name) => app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', etag).send({ name })));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).to.deep.equal([200, 412, 412, 412, 412, 412, 412, 412]);
      const winner = answers.find((r) => r.status === 200)!;
      const now = await stored(id);
      expect(now?.name).to.equal(winner.body.data.name);
      expect(now?.version).to.equal(2);
    });

    it('lets exactly one of concurrent status changes with the same If-Match win (they run under the superuser guard)', async () => {
      const { id, etag } = await create();
      const answers = await Promise.all(['suspended', 'suspended', 'active'].map((status) => app.http.patch(`/api/users/${id}`).set('Authorization', admin).set('If-Match', etag).send({ status })));
      expect(answers.map((r) => r.status).sort()).to.deep.equal([200, 412, 412]);
    });

    it('lets a browser send If-Match and If-None-Match and read ETag across origins', async () => {
      const preflight = await app.http
        .options(`/api/users/0123456789abcdef01234567`)
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'authorization,content-type,if-match,if-none-match')
        .expect(204);
      expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).to.include('if-match').and.include('if-none-match');
      const { id } = await create();
      const res = await read(id).set('Origin', ORIGIN).expect(200);
      expect(res.headers['access-control-expose-headers']?.toLowerCase()).to.include('etag');
    });
  });
}
