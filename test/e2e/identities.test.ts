import { expect } from 'chai';
import { emailKey } from '../../src/domain/users/email';
import { ADMIN_PASSWORD, PROFILES, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

// A sample of what made look-alike twin accounts possible: controls, zero-width, bidi, fillers.
const INVISIBLE = ['\u0000', '\u007f', '\u0085', '\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\u00ad', '\u2028', '\ufe0f', '\u{e0041}', '\u3164'];

for (const profile of PROFILES) {
  describe(`e2e :: identities with invisible characters and other spellings (${profile} profile)`, function () {
    this.timeout(30_000);
    let app: TestApp;
    let admin: string;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile);
      admin = (await app.admin()).auth;
    });
    after(async () => app?.close());

    const totalUsers = async (): Promise<number> => (await app.http.get('/api/users').set('Authorization', admin).expect(200)).body.data.pagination.totalItems;
    const register = (body: Record<string, unknown>) => app.http.post('/api/auth/register').send({ password: USER_PASSWORD, ...body });
    const pathsOf = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

    it('refuses e-mails and names with control, format or invisible characters on register and create, creating nothing', async () => {
      const before = await totalUsers();
      for (const ch of INVISIBLE) {
        const email = `twin${ch}.${profile}@example.com`;
        const viaRegister = await register({ name: 'Twin', email }).expect(400);
        expect(pathsOf(viaRegister), JSON.stringify(ch)).to.deep.equal(['email']);
        const viaCreate = await app.http.post('/api/users').set('Authorization', admin).send({ name: 'Twin', email, password: USER_PASSWORD }).expect(400);
        expect(pathsOf(viaCreate), JSON.stringify(ch)).to.deep.equal(['email']);
        const badName = await register({ name: `Tw${ch}in`, email: `twin.${profile}@example.com` }).expect(400);
        expect(pathsOf(badName), JSON.stringify(ch)).to.deep.equal(['name']);
      }
      const invisibleOnly = await register({ name: '\u200b\u200b\u200b', email: `twin.${profile}@example.com` }).expect(400);
      expect(pathsOf(invisibleOnly)).to.deep.equal(['name']);
      expect(await totalUsers()).to.equal(before);
    });

    it('treats the NFC and NFD spellings of an e-mail, in any case, as one account', async () => {
      const nfc = `zo\u00eb.${profile}@example.com`;
      const nfd = nfc.normalize('NFD');
      const created = await register({ name: 'Zo\u00eb', email: nfd }).expect(201);
      expect(created.body.data.user.email).to.equal(nfc);
      const again = await register({ name: 'Zoe Twin', email: nfc }).expect(409);
      expect(pathsOf(again)).to.deep.equal(['email']);
      await register({ name: 'Zoe Twin', email: nfd.toUpperCase() }).expect(409);
      await app.http.post('/api/users').set('Authorization', admin).send({ name: 'Zoe Twin', email: nfd, password: USER_PASSWORD }).expect(409);

      for (const spelling of [nfc, nfd, nfc.toUpperCase(), nfd.toUpperCase()]) {
        const login = await app.http.post('/api/auth/login').send({ email: spelling, password: USER_PASSWORD }).expect(200);
        expect(login.body.data.user.id).to.equal(created.body.data.user.id);
      }
      // A login that carries an invisible character is just another failed login.
      await app.http.post('/api/auth/login').send({ email: `zo\u00eb\u200b.${profile}@example.com`, password: USER_PASSWORD }).expect(401);
    });

    it('applies the same rules to PATCH /api/users/:id, changing nothing when it refuses', async () => {
      const owner = await app.newUser('patch-me');
      const other = await app.newUser('other');
      const before = (await app.http.get(`/api/users/${owner.userId}`).set('Authorization', admin).expect(200)).body.data;

      expect(pathsOf(await app.http.patch(`/api/users/${owner.userId}`).set('Authorization', owner.auth).send({ name: '\u200b\u3164' }).expect(400))).to.deep.equal(['name']);
      expect(pathsOf(await app.http.patch(`/api/users/${owner.userId}`).set('Authorization', admin).send({ name: 'Ok\u202eay' }).expect(400))).to.deep.equal(['name']);
      expect(pathsOf(await app.http.patch(`/api/users/${owner.userId}`).set('Authorization', admin).send({ email: `x\u200b${owner.email}` }).expect(400))).to.deep.equal(['email']);
      await app.http.patch(`/api/users/${owner.userId}`).set('Authorization', admin).send({ email: other.email.toUpperCase() }).expect(409);
      expect((await app.http.get(`/api/users/${owner.userId}`).set('Authorization', admin).expect(200)).body.data).to.deep.equal(before);

      const renamed = await app.http.patch(`/api/users/${owner.userId}`).set('Authorization', admin).send({ name: 'Jose\u0301', email: `jose\u0301.${profile}@example.com` }).expect(200);
      expect(renamed.body.data).to.include({ name: 'Jos\u00e9', email: `jos\u00e9.${profile}@example.com` });
      await app.http.post('/api/auth/login').send({ email: `JOS\u00c9.${profile}@EXAMPLE.COM`, password: USER_PASSWORD }).expect(200);
    });

    it('seeds the first admin from NEXUS_ADMIN_EMAIL in its normalised form', async function () {
      this.timeout(120_000);
      const seeded = await startTestApp(this, profile, { NEXUS_ADMIN_EMAIL: 'Ch\u0130ef.Ade\u0301le@Nexus.Test' });
      try {
        const login = await seeded.http.post('/api/auth/login').send({ email: 'CH\u0130EF.AD\u00c9LE@NEXUS.TEST'.normalize('NFD'), password: ADMIN_PASSWORD }).expect(200);
        expect(login.body.data.user.email).to.equal(emailKey('ch\u0130ef.ad\u00e9le@nexus.test'));
        expect(login.body.data.user.email.normalize('NFC')).to.equal(login.body.data.user.email);
      } finally {
        await seeded.close();
      }
    });
  });
}
