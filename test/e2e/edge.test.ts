import { expect } from 'chai';
import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { eventually, sleep } from '../support/eventually';
import { capturingLogger } from '../support/logger';
import { rawRequest } from '../support/raw-http';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PROFILES, startTestApp, type TestApp } from '../support/test-app';

/** A GET that returns the bytes as sent (supertest would decompress them for us). */
const raw = (url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
  new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });

for (const profile of PROFILES) {
  describe(`e2e :: the HTTP edge (${profile} profile)`, function () {
    this.timeout(60_000);

    context('headers, CORS, compression, metrics', () => {
      let app: TestApp;
      let admin: string;
      before(async function () {
        this.timeout(120_000);
        app = await startTestApp(this, profile, { CORS_ORIGINS: 'https://app.example.com,https://admin.example.com' });
        admin = (await app.admin()).auth;
      });
      after(async () => app?.close());

      it('sends strict security headers for a JSON API', async () => {
        const res = await app.http.get('/health/live').expect(200);
        expect(res.headers['content-security-policy']).to.equal("default-src 'none';frame-ancestors 'none'");
        expect(res.headers['x-content-type-options']).to.equal('nosniff');
        expect(res.headers['x-frame-options']).to.equal('SAMEORIGIN');
        expect(res.headers['strict-transport-security']).to.match(/max-age=31536000; includeSubDomains/);
        expect(res.headers['referrer-policy']).to.equal('no-referrer');
        expect(res.headers['x-powered-by']).to.equal(undefined);
      });

      it('answers CORS for listed origins only, never with a wildcard', async () => {
        const ok = await app.http.options('/api/users').set('Origin', 'https://app.example.com').set('Access-Control-Request-Method', 'GET').expect(204);
        expect(ok.headers['access-control-allow-origin']).to.equal('https://app.example.com');
        expect(ok.headers['access-control-allow-credentials']).to.equal('true');
        const refused = await app.http.get('/health/live').set('Origin', 'https://evil.example.com');
        expect(refused.headers['access-control-allow-origin']).to.equal(undefined);
      });

      it('compresses bodies over 1 KB with gzip or brotli, and not when asked not to', async () => {
        for (let i = 0; i < 8; i++) await app.newUser('bulk');
        const url = `${app.baseUrl}/api/users?limit=100`;
        const gz = await raw(url, { Authorization: admin, 'Accept-Encoding': 'gzip' });
        expect(gz.headers['content-encoding']).to.equal('gzip');
        expect(JSON.parse(gunzipSync(gz.body).toString()).data.items.length).to.be.at.least(8);
        const br = await raw(url, { Authorization: admin, 'Accept-Encoding': 'br' });
        expect(br.headers['content-encoding']).to.equal('br');
        expect(JSON.parse(brotliDecompressSync(br.body).toString()).success).to.equal(true);
        const plain = await raw(url, { Authorization: admin, 'Accept-Encoding': 'gzip', 'x-no-compression': '1' });
        expect(plain.headers['content-encoding']).to.equal(undefined);
        expect(JSON.parse(plain.body.toString()).success).to.equal(true);
        const small = await raw(`${app.baseUrl}/health/live`, { 'Accept-Encoding': 'gzip' });
        expect(small.headers['content-encoding']).to.equal(undefined);
        const exported = await raw(`${app.baseUrl}/api/users/export`, { Authorization: admin, 'Accept-Encoding': 'gzip' });
        expect(exported.headers['content-encoding']).to.equal('gzip');
        expect(exported.headers['transfer-encoding']).to.equal('chunked');
        expect(JSON.parse(gunzipSync(exported.body).toString())).to.be.an('array');
      });

      it('answers uncompressed when the client accepts no encoding at all, instead of failing', async () => {
        for (let i = 0; i < 8; i++) await app.newUser('noenc');
        for (const acceptEncoding of ['*;q=0', 'identity;q=0', 'gzip;q=0, br;q=0, identity;q=0']) {
          const res = await raw(`${app.baseUrl}/api/users?limit=100`, { Authorization: admin, 'Accept-Encoding': acceptEncoding });
          expect(res.status, acceptEncoding).to.equal(200);
          expect(res.headers['content-encoding'], acceptEncoding).to.equal(undefined);
          expect(JSON.parse(res.body.toString()).success).to.equal(true);
        }
      });

      it('answers 400 naming the encoding for a body whose Content-Encoding it does not match, and 415 for an unknown one', async () => {
        for (const encoding of ['gzip', 'deflate', 'br']) {
          const res = await app.http.post('/api/auth/login').set('Content-Type', 'application/json').set('Content-Encoding', encoding).send('{"email":"a@b.io","password":"x"}');
          expect(res.status, encoding).to.equal(400);
          expect(res.body.message).to.match(/Content-Encoding/);
        }
        const unknown = await app.http.post('/api/auth/login').set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}');
        expect(unknown.status).to.equal(415);
        expect(unknown.body.message).to.match(/Content-Encoding/);
      });

      it('refuses operator and dotted keys nested in bodies and in queries', async () => {
        const nested = await app.http.post('/api/auth/login').send({ email: 'a@b.io', password: 'x', meta: { deep: [{ $where: '1' }] } }).expect(400);
        expect(nested.body.errors.map((e: { path: string }) => e.path)).to.include('meta.deep.0.$where');
        const dotted = await app.http.get('/api/users?profile.name=x').set('Authorization', admin).expect(400);
        expect(dotted.body.errors[0].path).to.equal('query.profile.name');
        const dollar = await app.http.get('/api/users?$where=1').set('Authorization', admin).expect(400);
        expect(dollar.body.errors[0].path).to.equal('query.$where');
      });

      it('serves Prometheus metrics to metrics:read, with request, cache, job and process series', async () => {
        const u = await app.newUser('metrics');
        await app.http.get(`/api/users/${u.userId}`).set('Authorization', admin).expect(200);
        await app.http.get(`/api/users/${u.userId}`).set('Authorization', admin).expect(200);
        await eventually(() => (app.smtp.to(u.email).length > 0 ? true : undefined), 10_000, 'welcome mail');
        await app.http.get('/metrics').expect(401);
        await app.http.get('/metrics').set('Authorization', u.auth).expect(403);
        const res = await app.http.get('/metrics').set('Authorization', admin).expect(200);
        expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
        const text = res.text;
        const series = (name: string, labels: Record<string, string>) =>
          text.split('\n').find((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
        const getUser = series('nexus_http_requests_total', { method: 'GET', route: '/api/users/:id', status: '200' });
        expect(Number(getUser?.split(' ').pop())).to.be.at.least(2);
        expect(series('nexus_http_request_duration_seconds_bucket', { route: '/api/users/:id', le: '+Inf' })).to.be.a('string');
        expect(Number(series('nexus_cache_lookups_total', { result: 'hit' })?.split(' ').pop())).to.be.at.least(1);
        expect(series('nexus_cache_lookups_total', { result: 'miss' })).to.be.a('string');
        expect(Number(series('nexus_job_attempts_total', { queue: 'email', outcome: 'completed' })?.split(' ').pop())).to.be.at.least(1);
        expect(Number(series('nexus_jobs', { queue: 'email', state: 'completed' })?.split(' ').pop())).to.be.at.least(1);
        expect(text).to.match(/^nexus_process_cpu_user_seconds_total\{/m);
        for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).to.match(/^[a-zA-Z_:][\w:]*(\{.*\})? -?[\d.e+-]+|NaN|[+-]Inf$/);
      });
    });

    context('metrics behind a scrape token', () => {
      it('serves /metrics to the token only, without taking it for a user credential', async function () {
        const token = 'scrape-token-0123456789';
        const app = await startTestApp(this, profile, { METRICS_TOKEN: token });
        try {
          await app.http.get('/metrics').expect(401);
          await app.http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
          const admin = (await app.admin()).auth;
          await app.http.get('/metrics').set('Authorization', admin).expect(401);
          const ok = await app.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
          expect(ok.text).to.include('nexus_http_requests_total');
        } finally {
          await app.close();
        }
      });
    });

    context('answers outside the routes', () => {
      let app: TestApp;
      let logs: ReturnType<typeof capturingLogger>;
      before(async function () {
        this.timeout(120_000);
        logs = capturingLogger();
        app = await startTestApp(this, profile, {}, logs.logger);
      });
      after(async () => app?.close());

      it('answers a method a route does not serve with a 405 envelope and an Allow header, TRACE and odd methods included', async () => {
        const cases: [string, string, string][] = [
          ['TRACE', '/api/users', 'GET, HEAD, POST'],
          ['PUT', '/api/users', 'GET, HEAD, POST'],
          ['DELETE', '/api/auth/login', 'POST'],
          ['GET', '/api/auth/login', 'POST'],
          ['PROPFIND', '/api/roles', 'GET, HEAD, POST'],
          ['TRACE', '/health', 'GET, HEAD'],
          ['PATCH', '/api/csrf-token', 'GET, HEAD'],
        ];
        for (const [method, path, allow] of cases) {
          const res = await rawRequest(app.baseUrl, method, path);
          expect(res.status, `${method} ${path}`).to.equal(405);
          expect(res.headers['allow'], `${method} ${path}`).to.equal(allow);
          expect(res.body).to.include({ success: false, statusCode: 405 });
          expect(res.body?.['message']).to.equal(`${method} is not allowed on ${path}; use ${allow}`);
          expect(res.body?.['requestId']).to.be.a('string');
        }
        expect(logs.lines().filter((l) => l['level'] === 'error')).to.deep.equal([]);
      });

      it('answers an unknown path, whatever the method, with a 404 envelope', async () => {
        for (const method of ['GET', 'POST', 'TRACE', 'DELETE']) {
          const res = await rawRequest(app.baseUrl, method, '/api/nothing-here');
          expect(res.status).to.equal(404);
          expect(res.body).to.include({ success: false, statusCode: 404 });
        }
      });

      it('answers what Node itself refuses (unknown or lower-case methods, smuggling headers, raw bytes) and CONNECT with the envelope', async () => {
        const cases: [string, string, Record<string, string>, number][] = [
          ['FOO', '/api/users', {}, 400],
          ['get', '/api/users', {}, 400],
          ['GET', '/api/users', { 'Transfer-Encoding': 'chunked', 'Content-Length': '5' }, 400],
          ['GET', Buffer.from('/api/üsers', 'utf8').toString('latin1'), {}, 400],
          ['CONNECT', '127.0.0.1:80', {}, 405],
        ];
        for (const [method, target, headers, status] of cases) {
          const res = await rawRequest(app.baseUrl, method, target, { headers });
          expect(res.status, `${method} ${target}`).to.equal(status);
          expect(res.body).to.include({ success: false, statusCode: status });
        }
      });

      it('answers OPTIONS without a CORS preflight with the Allow header', async () => {
        const res = await rawRequest(app.baseUrl, 'OPTIONS', '/api/users');
        expect(res.status).to.equal(200);
        expect(res.headers['allow']).to.equal('GET, HEAD, POST');
        expect(res.body).to.include({ success: true, statusCode: 200 });
      });
    });

    context('what counts toward the per-client auth limit', () => {
      let app: TestApp;
      before(async function () {
        this.timeout(120_000);
        app = await startTestApp(this, profile, { RATE_LIMIT_AUTH_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '600', TRUST_PROXY: 'true' });
      });
      after(async () => app?.close());

      it('does not count bad bearer tokens on /me, malformed bodies or an unknown auth path: an office can still log in', async () => {
        const office = '198.51.100.200';
        for (let i = 0; i < 8; i++) await app.http.get('/api/auth/me').set('X-Forwarded-For', office).set('Authorization', `Bearer forged-${i}`).expect(401);
        for (let i = 0; i < 8; i++) await app.http.get('/api/auth/me').set('X-Forwarded-For', office).expect(401);
        for (let i = 0; i < 5; i++) await app.http.post('/api/auth/login').set('X-Forwarded-For', office).send({ email: 'not-an-email' }).expect(400);
        for (let i = 0; i < 5; i++) await app.http.post('/api/auth/password').set('X-Forwarded-For', office).set('Authorization', 'Bearer forged').send({}).expect(401);
        for (let i = 0; i < 5; i++) await app.http.post('/api/auth/refresh').set('X-Forwarded-For', office).send({}).expect(400);
        for (let i = 0; i < 5; i++) await app.http.get('/api/auth/nothing').set('X-Forwarded-For', office).expect(404);
        const ok = await app.http.post('/api/auth/login').set('X-Forwarded-For', office).send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
        expect(ok.headers['ratelimit-remaining']).to.not.equal('0');
      });

      it('counts failed credential checks: a wrong password on login and on password change, and a bad refresh token', async () => {
        const s = await app.newUser('counted');
        const tries: [string, () => Promise<unknown>][] = [
          ['login', () => app.http.post('/api/auth/login').set('X-Forwarded-For', '198.51.100.201').send({ email: s.email, password: 'Wrong-Password-1!' }).expect(401)],
          ['password', () => app.http.post('/api/auth/password').set('X-Forwarded-For', '198.51.100.202').set('Authorization', s.auth).send({ currentPassword: 'Wrong-Password-1!', newPassword: 'Another-Lighthouse-99!' }).expect(400)],
          ['refresh', () => app.http.post('/api/auth/refresh').set('X-Forwarded-For', '198.51.100.203').send({ refreshToken: 'not-a-real-refresh-token' }).expect(401)],
        ];
        for (const [, attempt] of tries) for (let i = 0; i < 3; i++) await attempt();
        for (const ip of ['198.51.100.201', '198.51.100.202', '198.51.100.203']) {
          const locked = await app.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: s.email, password: s.password }).expect(429);
          expect(locked.body.message, ip).to.include('from this client');
        }
      });
    });

    context('rate limits', () => {
      let app: TestApp;
      before(async function () {
        this.timeout(120_000);
        app = await startTestApp(this, profile, { RATE_LIMIT_API_MAX: '6', RATE_LIMIT_AUTH_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '2', TRUST_PROXY: 'true' });
      });
      after(async () => app?.close());

      it('limits /api per client with RateLimit headers, 429 and Retry-After, and resets after the window', async () => {
        const client = '203.0.113.10';
        const statuses: number[] = [];
        let last;
        for (let i = 0; i < 8; i++) {
          last = await app.http.get('/api/users').set('X-Forwarded-For', client);
          statuses.push(last.status);
        }
        expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 401, 429, 429]);
        expect(last!.headers['ratelimit-limit']).to.equal('6');
        expect(last!.headers['ratelimit-remaining']).to.equal('0');
        expect(Number(last!.headers['retry-after'])).to.be.within(1, 2);
        expect(last!.body.message).to.match(/^Too many requests/);
        // Another client is not affected.
        await app.http.get('/api/users').set('X-Forwarded-For', '203.0.113.11').expect(401);
        await sleep(2100);
        const again = await app.http.get('/api/users').set('X-Forwarded-For', client).expect(401);
        expect(again.headers['ratelimit-remaining']).to.equal('5');
      });

      it('counts failed logins per client, not per account (an account has the lockout), and not successful ones', async () => {
        await sleep(2100);
        for (let i = 0; i < 5; i++) await app.http.post('/api/auth/login').set('X-Forwarded-For', '198.51.100.1').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
        // Three failures for one account, each from a different client...
        for (const ip of ['198.51.100.2', '198.51.100.3', '198.51.100.4']) {
          await app.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: ADMIN_EMAIL, password: 'Wrong-Password-1!' }).expect(401);
        }
        // ...are no 429 for that account: it is locked only after ACCOUNT_LOCK_THRESHOLD failures, and then answers 401 (lockout.test.ts).
        await app.http.post('/api/auth/login').set('X-Forwarded-For', '198.51.100.5').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
        // Three failures from one client lock that client out of /api/auth, whatever the account.
        for (let i = 0; i < 3; i++) await app.http.post('/api/auth/login').set('X-Forwarded-For', '198.51.100.6').send({ email: `x${i}@example.com`, password: 'Wrong-Password-1!' }).expect(401);
        await app.http.post('/api/auth/register').set('X-Forwarded-For', '198.51.100.6').send({ name: 'N', email: 'n@example.com', password: 'Tangerine-Lighthouse-58!' }).expect(429);
        await sleep(2100);
        await app.http.post('/api/auth/register').set('X-Forwarded-For', '198.51.100.6').send({ name: 'N', email: 'n@example.com', password: 'Tangerine-Lighthouse-58!' }).expect(201);
      });
    });
  });
}
