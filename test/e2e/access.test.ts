import { expect } from 'chai';
import type { Test } from 'supertest';
import { PROFILES, startTestApp, type TestApp } from '../support/test-app';

type Perm = { resource: string; action: string };

for (const profile of PROFILES) {
  describe(`e2e :: access control, users, roles, API keys, audit (${profile} profile)`, function () {
    this.timeout(60_000);
    let app: TestApp;
    let admin: string;
    let adminId: string;

    before(async function () {
      this.timeout(120_000);
      app = await startTestApp(this, profile);
      const s = await app.admin();
      admin = s.auth;
      adminId = s.userId;
    });
    after(async () => app?.close());

    const createRole = (name: string, permissions: Perm[], by = admin) => app.http.post('/api/roles').set('Authorization', by).send({ name, permissions });

    /** A user holding exactly `permissions` through a fresh role. */
    const userWith = async (tag: string, permissions: Perm[]) => {
      const s = await app.newUser(tag);
      const role = await createRole(`${tag}-${Date.now() % 100000}`, permissions).expect(201);
      await app.http.post(`/api/users/${s.userId}/roles`).set('Authorization', admin).send({ roleId: role.body.data.id }).expect(200);
      return { ...s, roleId: role.body.data.id as string };
    };

    context('a plain user', () => {
      it('is refused every admin route with 403, and every route without credentials with 401', async () => {
        const u = await app.newUser('plain');
        const other = await app.newUser('other');
        const role = (await createRole('plain-target', [])).body.data.id as string;
        const routes: [string, string, object?][] = [
          ['get', '/api/users'],
          ['post', '/api/users', { name: 'X', email: 'x.plain@example.com', password: 'Tangerine-Lighthouse-58!' }],
          ['get', `/api/users/${other.userId}`],
          ['patch', `/api/users/${other.userId}`, { name: 'Hacked' }],
          ['delete', `/api/users/${other.userId}`],
          ['post', `/api/users/${other.userId}/restore`],
          ['post', `/api/users/${u.userId}/roles`, { roleId: role }],
          ['delete', `/api/users/${u.userId}/roles/${role}`],
          ['post', `/api/users/${u.userId}/roles/transfer`, { fromRoleId: role, toRoleId: role }],
          ['get', '/api/users/stats/by-role'],
          ['get', '/api/users/export'],
          ['get', '/api/roles'],
          ['post', '/api/roles', { name: 'mine', permissions: [] }],
          ['patch', `/api/roles/${role}`, { description: 'x' }],
          ['delete', `/api/roles/${role}`],
          ['get', '/api/audit'],
        ];
        for (const [method, path, body] of routes) {
          const agent = app.http as unknown as Record<string, (p: string) => Test>;
          const denied = await agent[method]!(path).set('Authorization', u.auth).send(body ?? {});
          expect(denied.status, `${method.toUpperCase()} ${path}`).to.equal(403);
          expect(denied.body.message).to.match(/^You need the \w+:\w+ permission$/);
          const anonymous = await agent[method]!(path).send(body ?? {});
          expect(anonymous.status, `anonymous ${method.toUpperCase()} ${path}`).to.equal(401);
        }
      });

      it('reads and edits itself (name, age) but cannot escalate through PATCH', async () => {
        const u = await app.newUser('self');
        await app.http.get(`/api/users/${u.userId}`).set('Authorization', u.auth).expect(200);
        const ok = await app.http.patch(`/api/users/${u.userId}`).set('Authorization', u.auth).send({ name: 'New Me', age: 33 }).expect(200);
        expect(ok.body.data).to.include({ name: 'New Me', age: 33 });
        await app.http.patch(`/api/users/${u.userId}`).set('Authorization', u.auth).send({ status: 'active' }).expect(403);
        await app.http.patch(`/api/users/${u.userId}`).set('Authorization', u.auth).send({ email: 'other@example.com' }).expect(403);
        const roles = await app.http.patch(`/api/users/${u.userId}`).set('Authorization', u.auth).send({ roleIds: ['0123456789abcdef01234567'] }).expect(400);
        expect(roles.body.errors).to.deep.equal([{ path: 'roleIds', message: 'is not an allowed field' }]);
      });
    });

    context('escalation', () => {
      it('stops a role manager from creating, editing or assigning anything beyond their own permissions', async () => {
        const mgr = await userWith('mgr', [
          { resource: 'roles', action: '*' },
          { resource: 'users', action: 'read' },
        ]);
        const tooMuch = await createRole('too-much', [{ resource: '*', action: '*' }], mgr.auth).expect(403);
        expect(tooMuch.body.errors).to.deep.equal([{ path: 'permissions', message: '*:* is beyond your own permissions' }]);
        const own = await createRole('within-reach', [{ resource: 'users', action: 'read' }], mgr.auth).expect(201);
        await app.http.patch(`/api/roles/${own.body.data.id}`).set('Authorization', mgr.auth).send({ permissions: [{ resource: 'users', action: 'delete' }] }).expect(403);
        const adminRole = (await app.http.get('/api/roles').set('Authorization', mgr.auth).expect(200)).body.data.find((r: { name: string }) => r.name === 'admin');
        await app.http.post(`/api/users/${mgr.userId}/roles`).set('Authorization', mgr.auth).send({ roleId: adminRole.id }).expect(403);
        await app.http.patch(`/api/roles/${mgr.roleId}`).set('Authorization', mgr.auth).send({ permissions: [{ resource: '*', action: '*' }] }).expect(403);
        const me = await app.http.get('/api/auth/me').set('Authorization', mgr.auth).expect(200);
        expect(me.body.data.permissions).to.have.length(2);
      });

      it('never lets an API key exceed its owner, nor act beyond its own scope', async () => {
        const reader = await userWith('keyowner', [{ resource: 'users', action: 'read' }]);
        const beyond = await app.http.post('/api/api-keys').set('Authorization', reader.auth).send({ name: 'k', permissions: [{ resource: 'users', action: 'delete' }] }).expect(403);
        expect(beyond.body.message).to.equal('You cannot grant permissions you do not hold');
        const created = await app.http.post('/api/api-keys').set('Authorization', reader.auth).send({ name: 'reports', permissions: [{ resource: 'users', action: 'read' }] }).expect(201);
        const key = created.body.data.key as string;
        expect(key).to.match(/^sk_[A-Za-z0-9_-]{43}$/);
        await app.http.get('/api/users').set('X-API-Key', key).expect(200);
        await app.http.get('/api/roles').set('X-API-Key', key).expect(403);
        await app.http.delete(`/api/users/${reader.userId}`).set('X-API-Key', key).expect(403);
        const me = await app.http.get('/api/auth/me').set('X-API-Key', key).expect(200);
        expect(me.body.data.via).to.equal('api-key');
      });
    });

    context('users', () => {
      it('lists with pagination, a capped limit, sorting, filtering and literal prefix search', async () => {
        for (const name of ['Zed Alpha', 'Zed Beta', 'Zed Gamma']) await app.newUser('list', { name });
        const page = await app.http.get('/api/users?search=zed&sortBy=name&sortOrder=asc&limit=2&page=1').set('Authorization', admin).expect(200);
        expect(page.body.data.items.map((u: { name: string }) => u.name)).to.deep.equal(['Zed Alpha', 'Zed Beta']);
        const { nextCursor, ...meta } = page.body.data.pagination;
        expect(meta).to.deep.equal({ currentPage: 1, totalPages: 2, totalItems: 3, itemsPerPage: 2, hasNextPage: true, hasPrevPage: false });
        expect(nextCursor).to.be.a('string');
        const literal = await app.http.get(`/api/users?search=${encodeURIComponent('.*')}`).set('Authorization', admin).expect(200);
        expect(literal.body.data.pagination.totalItems).to.equal(0);
        const tooMany = await app.http.get('/api/users?limit=101').set('Authorization', admin).expect(400);
        expect(tooMany.body.errors).to.deep.equal([{ path: 'limit', message: 'must be a whole number from 1 to 100' }]);
        const badSort = await app.http.get('/api/users?sortBy=passwordHash').set('Authorization', admin).expect(400);
        expect(badSort.body.errors[0].path).to.equal('sortBy');
        // Koa does not nest query keys, so the bracketed operator arrives as an unknown key.
        const operator = await app.http.get('/api/users?search[$regex]=.*').set('Authorization', admin).expect(400);
        expect(operator.body.errors[0]).to.deep.equal({ path: 'search[$regex]', message: 'is not an allowed field' });
        const status = await app.http.get('/api/users?status=suspended').set('Authorization', admin).expect(200);
        expect(status.body.data.pagination.totalItems).to.equal(0);
      });

      it('soft-deletes: the user vanishes, cannot log in, and its tokens and keys stop; restore brings it back', async () => {
        const u = await userWith('doomed', [{ resource: 'users', action: 'read' }]);
        const key = (await app.http.post('/api/api-keys').set('Authorization', u.auth).send({ name: 'k', permissions: [{ resource: 'users', action: 'read' }] }).expect(201)).body.data.key;
        await app.http.delete(`/api/users/${u.userId}`).set('Authorization', admin).expect(200);
        await app.http.get(`/api/users/${u.userId}`).set('Authorization', admin).expect(404);
        const listed = await app.http.get(`/api/users?search=${encodeURIComponent(u.email)}`).set('Authorization', admin).expect(200);
        expect(listed.body.data.pagination.totalItems).to.equal(0);
        await app.http.get('/api/auth/me').set('Authorization', u.auth).expect(401);
        await app.http.get('/api/users').set('X-API-Key', key).expect(401);
        await app.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
        await app.http.post('/api/auth/login').send({ email: u.email, password: u.password }).expect(401);
        await app.http.delete(`/api/users/${u.userId}`).set('Authorization', admin).expect(404);

        const restored = await app.http.post(`/api/users/${u.userId}/restore`).set('Authorization', admin).expect(200);
        expect(restored.body.data.id).to.equal(u.userId);
        // What the deletion stopped stays stopped: the key and the old session are revoked for good.
        await app.http.get('/api/users').set('X-API-Key', key).expect(401);
        await app.http.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
        const back = await app.login(u.email, u.password);
        const keys = await app.http.get('/api/api-keys').set('Authorization', back.auth).expect(200);
        expect(keys.body.data).to.have.length(1);
        expect(keys.body.data[0].revokedAt).to.be.a('string');
        await app.http.post('/api/auth/refresh').send({ refreshToken: back.refreshToken }).expect(200);
        const audit = await app.http.get(`/api/audit?actorId=${adminId}`).set('Authorization', admin).expect(200);
        const actions = audit.body.data.items.map((e: { action: string }) => e.action);
        expect(actions).to.include.members(['user.deleted', 'user.restored']);
      });

      it('counts users by role, most first, with average age and members', async () => {
        const role = (await createRole('stats-role', [])).body.data.id as string;
        for (const [tag, age] of [['s1', 20], ['s2', 25]] as const) {
          const s = await app.newUser(tag, { age });
          await app.http.post(`/api/users/${s.userId}/roles`).set('Authorization', admin).send({ roleId: role }).expect(200);
        }
        const noAge = await app.newUser('s3');
        await app.http.post(`/api/users/${noAge.userId}/roles`).set('Authorization', admin).send({ roleId: role }).expect(200);
        const res = await app.http.get('/api/users/stats/by-role').set('Authorization', admin).expect(200);
        const stats = res.body.data as { role: string; totalUsers: number; averageAge: number | null; users: { name: string; email: string }[] }[];
        const mine = stats.find((s) => s.role === 'stats-role');
        expect(mine).to.deep.include({ totalUsers: 3, averageAge: 22.5 });
        expect(mine?.users).to.have.length(3);
        expect(Object.keys(mine!.users[0]!)).to.deep.equal(['name', 'email']);
        const totals = stats.map((s) => s.totalUsers);
        expect(totals).to.deep.equal([...totals].sort((a, b) => b - a));
      });

      it('lists at most 10 names per role in the stats, with the full count', async () => {
        const role = (await createRole('crowded-role', [])).body.data.id as string;
        const emails: string[] = [];
        for (let i = 0; i < 12; i++) {
          const s = await app.newUser(`crowd${i}`, { age: 30 });
          emails.push(s.email);
          await app.http.post(`/api/users/${s.userId}/roles`).set('Authorization', admin).send({ roleId: role }).expect(200);
        }
        const res = await app.http.get('/api/users/stats/by-role').set('Authorization', admin).expect(200);
        const crowded = (res.body.data as { role: string; totalUsers: number; averageAge: number; users: { email: string }[] }[]).find((s) => s.role === 'crowded-role');
        expect(crowded).to.deep.include({ totalUsers: 12, averageAge: 30 });
        expect(crowded!.users).to.have.length(10);
        expect(crowded!.users.map((u) => u.email)).to.deep.equal([...emails].sort().slice(0, 10));
        const user = (res.body.data as { role: string; totalUsers: number; users: unknown[] }[]).find((s) => s.role === 'user')!;
        expect(user.totalUsers).to.be.above(10);
        expect(user.users).to.have.length(10);
      });

      it('exports every visible user as a JSON array and as NDJSON, without secrets', async () => {
        const total = (await app.http.get('/api/users?limit=1').set('Authorization', admin).expect(200)).body.data.pagination.totalItems;
        const json = await app.http.get('/api/users/export').set('Authorization', admin).buffer(true).parse((res, cb) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => cb(null, text));
        }).expect(200);
        expect(json.headers['content-type']).to.match(/application\/json/);
        const rows = JSON.parse(json.body as string) as unknown[];
        expect(rows).to.have.length(total);
        expect(json.body as string).to.not.match(/argon2|passwordHash|keyHash|tokenHash/);
        const nd = await app.http.get('/api/users/export?format=ndjson').set('Authorization', admin).buffer(true).parse((res, cb) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => cb(null, text));
        }).expect(200);
        expect(nd.headers['content-type']).to.match(/application\/x-ndjson/);
        const lines = (nd.body as string).trim().split('\n').map((l) => JSON.parse(l) as { id: string });
        expect(lines.map((l) => l.id).sort()).to.deep.equal((rows as { id: string }[]).map((r) => r.id).sort());
      });
    });

    context('roles', () => {
      it('creates, reads, updates and deletes a role; an assigned role cannot be deleted; built-ins stay', async () => {
        const created = await createRole('auditor', [{ resource: 'audit', action: 'read' }]).expect(201);
        const id = created.body.data.id as string;
        await createRole('auditor', []).expect(409);
        await createRole('Bad Name!', []).expect(400);
        const bad = await createRole('bad-perm', [{ resource: 'users', action: 'DROP TABLE' }]).expect(400);
        expect(bad.body.errors[0].path).to.equal('permissions.0');
        const got = await app.http.get(`/api/roles/${id}`).set('Authorization', admin).expect(200);
        expect(got.body.data.permissions).to.deep.equal([{ resource: 'audit', action: 'read' }]);
        const patched = await app.http.patch(`/api/roles/${id}`).set('Authorization', admin).send({ description: 'reads the trail' }).expect(200);
        expect(patched.body.data.description).to.equal('reads the trail');

        const u = await app.newUser('auditor');
        await app.http.post(`/api/users/${u.userId}/roles`).set('Authorization', admin).send({ roleId: id }).expect(200);
        await app.http.post(`/api/users/${u.userId}/roles`).set('Authorization', admin).send({ roleId: id }).expect(409);
        await app.http.get('/api/audit').set('Authorization', u.auth).expect(200);
        const inUse = await app.http.delete(`/api/roles/${id}`).set('Authorization', admin).expect(409);
        expect(inUse.body.message).to.include('still assigned');
        await app.http.delete(`/api/users/${u.userId}/roles/${id}`).set('Authorization', admin).expect(200);
        await app.http.get('/api/audit').set('Authorization', u.auth).expect(403);
        await app.http.delete(`/api/roles/${id}`).set('Authorization', admin).expect(200);
        await app.http.get(`/api/roles/${id}`).set('Authorization', admin).expect(404);

        const builtIn = (await app.http.get('/api/roles').set('Authorization', admin)).body.data.find((r: { name: string }) => r.name === 'user');
        await app.http.delete(`/api/roles/${builtIn.id}`).set('Authorization', admin).expect(409);
      });

      it('changes the built-in user role only for a holder of *:*, never the admin role, and audits it', async () => {
        const all = (await app.http.get('/api/roles').set('Authorization', admin)).body.data as { id: string; name: string }[];
        const userRole = all.find((r) => r.name === 'user')!.id;
        const adminRole = all.find((r) => r.name === 'admin')!.id;
        const mgr = await userWith('builtin-mgr', [
          { resource: 'roles', action: 'update' },
          { resource: 'roles', action: 'read' },
          { resource: 'users', action: 'read' },
        ]);
        const widen = await app.http.patch(`/api/roles/${userRole}`).set('Authorization', mgr.auth).send({ permissions: [{ resource: 'users', action: 'read' }] }).expect(403);
        expect(widen.body.message).to.match(/built-in.*\*:\*/);
        await app.http.patch(`/api/roles/${userRole}`).set('Authorization', mgr.auth).send({ description: 'mine now' }).expect(403);
        const fresh = await app.newUser('after-widen');
        await app.http.get('/api/users').set('Authorization', fresh.auth).expect(403);

        for (const body of [{ permissions: [] }, { name: 'boss' }, { description: 'x' }, { permissions: [{ resource: '*', action: '*' }] }]) {
          const frozen = await app.http.patch(`/api/roles/${adminRole}`).set('Authorization', admin).send(body).expect(409);
          expect(frozen.body.message).to.match(/admin role is built in/);
        }

        const changed = await app.http.patch(`/api/roles/${userRole}`).set('Authorization', admin).send({ description: 'Everyone who signed up' }).expect(200);
        expect(changed.body.data.description).to.equal('Everyone who signed up');
        const audit = await app.http.get('/api/audit?action=role.updated').set('Authorization', admin).expect(200);
        const entry = audit.body.data.items.find((e: { target: { id: string } }) => e.target.id === userRole);
        expect(entry).to.deep.include({ actorId: adminId });
        expect(entry.after).to.deep.include({ name: 'user', builtIn: true });
      });

      it('transfers one role for another with its audit entry', async () => {
        const from = (await createRole('from-role', [])).body.data.id as string;
        const to = (await createRole('to-role', [{ resource: 'users', action: 'read' }])).body.data.id as string;
        const u = await app.newUser('transfer');
        await app.http.post(`/api/users/${u.userId}/roles`).set('Authorization', admin).send({ roleId: from }).expect(200);
        const moved = await app.http.post(`/api/users/${u.userId}/roles/transfer`).set('Authorization', admin).send({ fromRoleId: from, toRoleId: to }).expect(200);
        expect(moved.body.data.roleIds).to.include(to).and.not.include(from);
        await app.http.post(`/api/users/${u.userId}/roles/transfer`).set('Authorization', admin).send({ fromRoleId: from, toRoleId: to }).expect(409);
        await app.http.get('/api/users').set('Authorization', u.auth).expect(200);
        const audit = await app.http.get('/api/audit?action=user.role.transferred').set('Authorization', admin).expect(200);
        const entry = audit.body.data.items.find((e: { target: { id: string } }) => e.target.id === u.userId);
        expect(entry).to.deep.include({ actorId: adminId, before: { roleId: from, role: 'from-role' }, after: { roleId: to, role: 'to-role' } });
        expect(entry.requestId).to.be.a('string');
      });
    });

    context('API keys', () => {
      it('shows the key once, lists without key material, revokes, and refuses expired keys', async () => {
        const u = await userWith('keys', [{ resource: 'users', action: 'read' }]);
        const created = await app.http.post('/api/api-keys').set('Authorization', u.auth).send({ name: 'ci', permissions: [{ resource: 'users', action: 'read' }] }).expect(201);
        const { key, apiKey } = created.body.data;
        expect(apiKey.prefix).to.equal(key.slice(0, 9));
        const listed = await app.http.get('/api/api-keys').set('Authorization', u.auth).expect(200);
        expect(JSON.stringify(listed.body)).to.not.include(key).and.not.include('Hash');
        expect(listed.body.data[0]).to.include({ id: apiKey.id, name: 'ci' });
        await app.http.get('/api/users').set('X-API-Key', key).expect(200);
        const used = await app.http.get('/api/api-keys').set('Authorization', u.auth).expect(200);
        expect(used.body.data[0].lastUsedAt).to.be.a('string');

        const stranger = await app.newUser('stranger');
        await app.http.delete(`/api/api-keys/${apiKey.id}`).set('Authorization', stranger.auth).expect(404);
        await app.http.delete(`/api/api-keys/${apiKey.id}`).set('Authorization', u.auth).expect(200);
        await app.http.get('/api/users').set('X-API-Key', key).expect(401);

        const past = await app.http.post('/api/api-keys').set('Authorization', u.auth).send({ name: 'old', permissions: [], expiresAt: '2020-01-01T00:00:00Z' }).expect(400);
        expect(past.body.errors).to.deep.equal([{ path: 'expiresAt', message: 'must be in the future' }]);
        await app.http.get('/api/users').set('X-API-Key', 'sk_not-a-real-key').expect(401);
      });
    });

    context('API keys never manage credentials', () => {
      it('refuses a key, whatever its scope, creating or revoking keys and changing the password (403)', async () => {
        const root = await app.admin();
        const everything = (await app.http.post('/api/api-keys').set('Authorization', root.auth).send({ name: 'all', permissions: [{ resource: '*', action: '*' }] }).expect(201)).body.data;
        const nothing = (await app.http.post('/api/api-keys').set('Authorization', root.auth).send({ name: 'none', permissions: [] }).expect(201)).body.data;
        for (const key of [everything.key as string, nothing.key as string]) {
          const create = await app.http.post('/api/api-keys').set('X-API-Key', key).send({ name: 'forever', permissions: [] }).expect(403);
          expect(create.body.message).to.match(/API key.*credentials/);
          await app.http.delete(`/api/api-keys/${nothing.apiKey.id}`).set('X-API-Key', key).expect(403);
          const password = await app.http.post('/api/auth/password').set('X-API-Key', key).send({ currentPassword: 'Root-Access-Granted-77', newPassword: 'Another-Strong-Pass-991!' }).expect(403);
          expect(password.body.message).to.match(/API key.*credentials/);
        }
        // Nothing changed: both keys still listed and live, and the password still works.
        const listed = await app.http.get('/api/api-keys').set('Authorization', root.auth).expect(200);
        expect(listed.body.data.filter((k: { revokedAt: string | null }) => k.revokedAt === null).length).to.be.at.least(2);
        await app.admin();
      });

      it('needs the scope for self-service edits and reads when the caller is a key', async () => {
        const u = await app.newUser('self-key');
        const key = (await app.http.post('/api/api-keys').set('Authorization', u.auth).send({ name: 'none', permissions: [] }).expect(201)).body.data.key as string;
        const renamed = await app.http.patch(`/api/users/${u.userId}`).set('X-API-Key', key).send({ name: 'Renamed By Key' }).expect(403);
        expect(renamed.body.message).to.equal('You need the users:update permission');
        await app.http.get(`/api/users/${u.userId}`).set('X-API-Key', key).expect(403);
        const me = await app.http.get(`/api/users/${u.userId}`).set('Authorization', u.auth).expect(200);
        expect(me.body.data.name).to.equal('Test self-key');
        // With a token the self shortcut still holds.
        await app.http.patch(`/api/users/${u.userId}`).set('Authorization', u.auth).send({ name: 'Renamed By Me' }).expect(200);
      });

      it('caps a key lifetime at API_KEY_MAX_DAYS (365): no expiry gets the cap, a longer one is a 400', async () => {
        const u = await app.newUser('key-life');
        const day = 86_400_000;
        const open = await app.http.post('/api/api-keys').set('Authorization', u.auth).send({ name: 'open', permissions: [] }).expect(201);
        const expires = Date.parse(open.body.data.apiKey.expiresAt as string);
        expect(expires - Date.now()).to.be.within(365 * day - 60_000, 365 * day + 1000);
        const nullExpiry = await app.http.post('/api/api-keys').set('Authorization', u.auth).send({ name: 'null', permissions: [], expiresAt: null }).expect(201);
        expect(nullExpiry.body.data.apiKey.expiresAt).to.be.a('string');
        const tooLong = await app.http.post('/api/api-keys').set('Authorization', u.auth).send({ name: 'long', permissions: [], expiresAt: new Date(Date.now() + 366 * day).toISOString() }).expect(400);
        expect(tooLong.body.errors).to.deep.equal([{ path: 'expiresAt', message: 'must be at most 365 days from now' }]);
        const within = new Date(Date.now() + 30 * day).toISOString();
        const ok = await app.http.post('/api/api-keys').set('Authorization', u.auth).send({ name: 'month', permissions: [], expiresAt: within }).expect(201);
        expect(ok.body.data.apiKey.expiresAt).to.equal(within);
        const keys = await app.http.get('/api/api-keys').set('Authorization', u.auth).expect(200);
        expect(keys.body.data.map((k: { name: string }) => k.name).sort()).to.deep.equal(['month', 'null', 'open']);
      });
    });

    context('audit', () => {
      it('records failed and successful logins, filters by action and pages', async () => {
        const u = await app.newUser('audited');
        await app.http.post('/api/auth/login').send({ email: u.email, password: 'Wrong-Password-1!' }).expect(401);
        const failed = await app.http.get('/api/audit?action=auth.login.failed&limit=5').set('Authorization', admin).expect(200);
        expect(failed.body.data.items[0]).to.deep.include({ action: 'auth.login.failed', actorId: null, target: { type: 'user', id: u.userId } });
        expect(failed.body.data.pagination.itemsPerPage).to.equal(5);
        const mine = await app.http.get(`/api/audit?actorId=${u.userId}&action=auth.login.succeeded`).set('Authorization', admin).expect(200);
        expect(mine.body.data.items.length).to.be.at.least(1);
        await app.http.get('/api/audit?action=nope').set('Authorization', admin).expect(400);
      });
    });
  });
}
