import { expect } from 'chai';
import { PROFILES, startTestApp, type TestApp } from '../support/test-app';

const IMPOSSIBLE_DATES = ['2027-02-30T00:00:00Z', '2027-02-29T12:00:00Z', '2027-04-31T00:00:00Z', '2027-06-01T24:00:00Z'];
const INVISIBLE_ONLY = ['\u200b\u202e', '\ufffc', '\ufffc\ufffd', '\u{16fe4}\u{16fe4}'];

for (const profile of PROFILES) {
  describe(`e2e :: impossible dates and invisible free text (${profile} profile)`, function () {
    this.timeout(30_000);
    let app: TestApp;
    let admin: string;
    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile);
      admin = (await app.admin()).auth;
    });
    after(async () => app?.close());

    const pathsOf = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

    it('refuses a sendAt or expiresAt that names a day that does not exist (no rolling into March), with a 400 naming the field', async () => {
      for (const date of IMPOSSIBLE_DATES) {
        const job = await app.http.post('/api/jobs/email').set('Authorization', admin).send({ to: 'x@example.com', subject: 's', body: 'b', sendAt: date });
        expect([job.status, pathsOf(job)], date).to.deep.equal([400, ['sendAt']]);
        const key = await app.http.post('/api/api-keys').set('Authorization', admin).send({ name: 'dated', permissions: [], expiresAt: date });
        expect([key.status, pathsOf(key)], date).to.deep.equal([400, ['expiresAt']]);
      }
      const keys = await app.http.get('/api/api-keys').set('Authorization', admin).expect(200);
      expect((keys.body.data as { name: string }[]).filter((k) => k.name === 'dated')).to.have.length(0);
    });

    it('refuses API key names and role descriptions with invisible or format characters, naming the field', async () => {
      const role = await app.http.post('/api/roles').set('Authorization', admin).send({ name: `plain-${profile}`, permissions: [] }).expect(201);
      for (const text of [...INVISIBLE_ONLY, 'deploy\u200bkey', 'ok\u202etxt']) {
        const key = await app.http.post('/api/api-keys').set('Authorization', admin).send({ name: text, permissions: [] });
        expect([key.status, pathsOf(key)], JSON.stringify(text)).to.deep.equal([400, ['name']]);
        const created = await app.http.post('/api/roles').set('Authorization', admin).send({ name: `twin-${profile}`, description: text, permissions: [] });
        expect([created.status, pathsOf(created)], JSON.stringify(text)).to.deep.equal([400, ['description']]);
        const updated = await app.http.patch(`/api/roles/${role.body.data.id}`).set('Authorization', admin).send({ description: text });
        expect([updated.status, pathsOf(updated)], JSON.stringify(text)).to.deep.equal([400, ['description']]);
        const badName = await app.http.post('/api/roles').set('Authorization', admin).send({ name: `twin${text}`, permissions: [] });
        expect([badName.status, pathsOf(badName)], JSON.stringify(text)).to.deep.equal([400, ['name']]);
      }
      // Line breaks in a description are still folded into spaces, as before.
      const multiline = await app.http.patch(`/api/roles/${role.body.data.id}`).set('Authorization', admin).send({ description: 'Reads\nreports' }).expect(200);
      expect(multiline.body.data.description).to.equal('Reads reports');
    });
  });
}
