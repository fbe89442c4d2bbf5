import { expect } from 'chai';
import { ListCursors } from '../../src/adapters/http/pagination.codecs';
import { PROFILES, startTestApp, type TestApp, TEST_JWT_SECRET, USER_PASSWORD } from '../support/test-app';

interface Listed {
  items: { id: string; name: string; email: string }[];
  pagination: Record<string, unknown> & { nextCursor: string | null };
}

for (const profile of PROFILES) {
  describe(`e2e :: user lists by page and by cursor (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;
    let admin: string;
    const tag = `walker${profile.slice(0, 3)}`;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile);
      admin = (await app.admin()).auth;
      // Seven users whose names sort in a known order, two of them equal but for case.
      for (const name of ['Ann', 'bea', 'Bea', 'Cy', 'Dee', 'Eve', 'Fay']) await create(`${tag} ${name}`);
    });
    after(async () => app?.close());

    async function create(name: string): Promise<string> {
      const email = `${name.replace(/\W/g, '.').toLowerCase()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
      const res = await app.http.post('/api/users').set('Authorization', admin).send({ name, email, password: USER_PASSWORD }).expect(201);
      return res.body.data.id as string;
    }

    const list = async (query: string, status = 200): Promise<Listed & { errors?: { path: string; message: string }[] }> => {
      const res = await app.http.get(`/api/users?${query}`).set('Authorization', admin).expect(status);
      return (res.body.data ?? res.body) as Listed;
    };

    it('walks every user by cursor, in the order of the pages by number, and ends with nextCursor null', async () => {
      const everyone = (await list(`search=${tag}&sortBy=name&sortOrder=asc&limit=100`)).items.map((u) => u.id);
      expect(everyone).to.have.length(7);

      const first = await list(`search=${tag}&sortBy=name&sortOrder=asc&limit=3`);
      expect(first.pagination).to.deep.include({ currentPage: 1, totalPages: 3, totalItems: 7, itemsPerPage: 3, hasNextPage: true, hasPrevPage: false });
      expect(first.pagination.nextCursor).to.be.a('string').and.match(/^[\w-]+\.[\w-]{22}$/);

      const seen = first.items.map((u) => u.id);
      let cursor = first.pagination.nextCursor;
      const metas: Record<string, unknown>[] = [];
      while (cursor) {
        // The cursor carries its order: sortBy and sortOrder may be left out; the filters are repeated.
        const page = await list(`search=${tag}&limit=3&after=${encodeURIComponent(cursor)}`);
        seen.push(...page.items.map((u) => u.id));
        metas.push(page.pagination);
        cursor = page.pagination.nextCursor;
      }
      expect(seen).to.deep.equal(everyone);
      expect(metas[0]).to.deep.include({ currentPage: null, totalPages: null, totalItems: null, itemsPerPage: 3, hasNextPage: true, hasPrevPage: null });
      expect(metas[metas.length - 1]).to.deep.include({ hasNextPage: false, nextCursor: null });
    });

    it('sees users added ahead of the cursor, not those added behind it, and never repeats one', async () => {
      const first = await list(`search=${tag}&sortBy=name&sortOrder=asc&limit=2`);
      const late = await create(`${tag} Zed`);
      const early = await create(`${tag} Aaron`);
      const seen = first.items.map((u) => u.id);
      let cursor = first.pagination.nextCursor;
      while (cursor) {
        const page = await list(`search=${tag}&sortBy=name&sortOrder=asc&limit=2&after=${encodeURIComponent(cursor)}`);
        seen.push(...page.items.map((u) => u.id));
        cursor = page.pagination.nextCursor;
      }
      expect(new Set(seen).size).to.equal(seen.length);
      expect(seen).to.include(late);
      expect(seen).to.not.include(early);
      await app.http.delete(`/api/users/${late}`).set('Authorization', admin).expect(200);
      await app.http.delete(`/api/users/${early}`).set('Authorization', admin).expect(200);
    });

    it('leaves the count out with total=false, and gives the same page', async () => {
      const counted = await list(`search=${tag}&sortBy=email&limit=4&page=1`);
      const uncounted = await list(`search=${tag}&sortBy=email&limit=4&page=1&total=false`);
      expect(uncounted.items).to.deep.equal(counted.items);
      expect(uncounted.pagination).to.deep.equal({ ...counted.pagination, totalItems: null, totalPages: null });
      const end = await list(`search=${tag}&sortBy=email&limit=4&page=2&total=false`);
      expect(end.pagination).to.deep.include({ currentPage: 2, hasNextPage: false, hasPrevPage: true, nextCursor: null, totalItems: null });
    });

    it('keeps the page-number answer a client already reads, with nextCursor added', async () => {
      const res = await list('page=1&limit=20');
      expect(Object.keys(res.pagination)).to.have.members(['currentPage', 'totalPages', 'totalItems', 'itemsPerPage', 'hasNextPage', 'hasPrevPage', 'nextCursor']);
      expect(res.pagination['totalItems']).to.be.a('number');
    });

    it('refuses a malformed, altered or foreign cursor, and mixed paging, with a 400 naming the field', async () => {
      const { pagination } = await list(`search=${tag}&sortBy=name&sortOrder=asc&limit=2`);
      const good = pagination.nextCursor!;
      const [body, mac] = good.split('.') as [string, string];
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as unknown[];
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      const edited = Buffer.from(JSON.stringify([payload[0], payload[1], payload[2], 'a', payload[4]])).toString('base64url');
      const ours = new ListCursors(TEST_JWT_SECRET);
      const cases: [string, string, string][] = [
        ['not base64', `after=${encodeURIComponent('%%%')}`, 'after'],
        ['no MAC', `after=${body}`, 'after'],
        ['an altered payload', `after=${flip(body, 3)}.${mac}`, 'after'],
        ['an altered MAC', `after=${body}.${flip(mac, 5)}`, 'after'],
        ['a payload edited and resealed without the key', `after=${edited}.${mac}`, 'after'],
        ['another deployment\'s cursor', `after=${new ListCursors('another secret').seal(payload)}`, 'after'],
        ['a sealed cursor of another shape', `after=${ours.seal([1, 'name', 'asc', 42, payload[4]])}`, 'after'],
        ['a sealed cursor with an operator for a key', `after=${ours.seal([1, 'name', 'asc', { $gt: '' }, payload[4]])}`, 'after'],
        ['an empty cursor', 'after=', 'after'],
        ['a cursor over the limit', `after=${'a'.repeat(2000)}`, 'after'],
        ['two cursors', `after=${good}&after=${good}`, 'after'],
        ['page and after', `page=2&after=${good}`, 'after'],
        ['after with a count', `total=true&after=${good}`, 'total'],
        ['after in another order', `sortBy=email&after=${good}`, 'after'],
        ['after in the other direction', `sortOrder=desc&after=${good}`, 'after'],
        ['total neither true nor false', 'total=yes', 'total'],
      ];
      for (const [what, query, path] of cases) {
        const res = await app.http.get(`/api/users?${query}`).set('Authorization', admin);
        expect(res.status, what).to.equal(400);
        expect(res.body, what).to.include({ success: false, statusCode: 400 });
        expect(res.body.errors.map((e: { path: string }) => e.path), what).to.deep.equal([path]);
      }
      // The right order, spelled out, is fine.
      await list(`sortBy=name&sortOrder=asc&total=false&after=${encodeURIComponent(good)}&search=${tag}`);
    });

    it('needs users:read to page by cursor as by number', async () => {
      const member = await app.newUser('lists-member');
      const { pagination } = await list(`search=${tag}&limit=2`);
      const res = await app.http.get(`/api/users?after=${encodeURIComponent(pagination.nextCursor!)}`).set('Authorization', member.auth).expect(403);
      expect(res.body).to.include({ success: false, statusCode: 403 });
    });
  });
}
