import { expect } from 'chai';
import { rawRequest, type RawResponse } from '../support/raw-http';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PROFILES, startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

/** The same bytes as UTF-8, written to the request line raw (not percent-encoded). */
const rawUtf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/**
 * Every spelling of `route` we could think of that some layer (router, proxy, path library)
 * might take for the same route: case, trailing slash, empty and dot segments, percent-encoded
 * letters, slashes and dots, overlong UTF-8, look-alike Unicode, matrix and query tricks.
 */
const spellings = (route: string): string[] => {
  const segments = route.split('/').slice(1); // ['api', 'auth', 'login']
  const last = segments.length - 1;
  const swap = (i: number, to: string) => `/${segments.map((s, j) => (j === i ? to : s)).join('/')}`;
  const encodeFirst = (i: number, upper: boolean) => {
    const hex = segments[i]!.charCodeAt(0).toString(16);
    return swap(i, `%${upper ? hex.toUpperCase() : hex}${segments[i]!.slice(1)}`);
  };
  const variants = [
    route.toUpperCase(),
    swap(0, segments[0]!.toUpperCase()),
    swap(1, segments[1]!.toUpperCase()),
    swap(last, segments[last]![0]!.toUpperCase() + segments[last]!.slice(1)),
    `${route}/`,
    `${route}//`,
    `/${route}`,
    route.replace('/', '//'),
    `${route.split('/').slice(0, 2).join('/')}//${segments.slice(1).join('/')}`,
    `/./${segments.join('/')}`,
    swap(0, `${segments[0]}/.`),
    `${route}/.`,
    `/${segments[0]}/x/../${segments.slice(1).join('/')}`,
    `/x/../${segments.join('/')}`,
    `${route}/x/..`,
    `${route}/..${route}`,
    encodeFirst(0, false),
    encodeFirst(1, true),
    encodeFirst(last, false),
    `/${segments.map((s) => [...s].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')).join('/')}`,
    `/${segments.join('%2F')}`,
    `/${segments.join('%2f')}`,
    `${route}%2F`,
    `/${segments[0]}/%2e/${segments.slice(1).join('/')}`,
    `/${segments[0]}/%2E%2E/${segments.join('/')}`,
    `/${segments[0]}/.%2e/${segments.join('/')}`,
    `${route}%2e`,
    `${route}%00`,
    `${route}%20`,
    `${route}%09`,
    `${route}%`,
    `${route}%zz`,
    `${route}%25`,
    `${route}%252e`,
    `/${segments[0]}/%C0%AE/${segments.slice(1).join('/')}`,
    `/${segments[0]}/%C0%AF${segments.slice(1).join('/')}`,
    `/${segments[0]}%C0%AF${segments.slice(1).join('/')}`,
    `/${segments[0]}/%E0%80%AE/${segments.slice(1).join('/')}`,
    `/${segments.join('\\')}`,
    `${route}\\`,
    `/${segments[0]}/%5C${segments.slice(1).join('/')}`,
    // Look-alikes: fullwidth letters, dotless i, long s, Kelvin sign, a fullwidth solidus.
    swap(last, `%EF%BD%8${(segments[last]!.charCodeAt(0) - 0x60).toString(16)}${segments[last]!.slice(1)}`),
    swap(last, segments[last]!.replace(/i/, '%C4%B1')),
    swap(1, segments[1]!.replace(/s/, '%C5%BF')),
    swap(1, segments[1]!.replace(/[a-z]/, '%E2%84%AA')),
    `/${segments.join('%EF%BC%8F')}`,
    rawUtf8(swap(last, segments[last]!.replace(/i/, 'ı'))),
    rawUtf8(`/${segments.join('／')}`),
    `${route};`,
    `${route};jsessionid=1`,
    `${route}?`,
    `${route}?x=1`,
    `${route}?/../x`,
    `${route}#x`,
    `${route}?%2e%2e`,
    `http://127.0.0.1${route.toUpperCase()}`,
    `http://127.0.0.1${route}/`,
  ];
  return [...new Set(variants)].filter((v) => v !== route);
};

const isEnvelope = (res: RawResponse): boolean =>
  res.body !== undefined && res.body['success'] === (res.status < 400) && res.body['statusCode'] === res.status;

let clientSeq = 0;
const freshClient = (): string => {
  clientSeq++;
  return `10.${Math.floor(clientSeq / 62_500) % 250}.${Math.floor(clientSeq / 250) % 250}.${(clientSeq % 250) + 1}`;
};

for (const profile of PROFILES) {
  describe(`e2e :: one canonical path, limits keyed on the matched route (${profile} profile)`, function () {
    this.timeout(120_000);

    context('the auth limits (per client) and the account lockout', () => {
      let app: TestApp;
      const send = (method: string, target: string, client: string, body?: unknown) =>
        rawRequest(app.baseUrl, method, target, { headers: { 'X-Forwarded-For': client }, ...(body === undefined ? {} : { body }) });
      before(async function () {
        app = await startTestApp(this, profile, { RATE_LIMIT_AUTH_MAX: '3', ACCOUNT_LOCK_THRESHOLD: '3', RATE_LIMIT_WINDOW_SECONDS: '600', TRUST_PROXY: 'true' });
      });
      after(async () => app?.close());

      it('answers every spelling of POST /api/auth/login with the envelope, and never a 5xx', async () => {
        for (const target of spellings('/api/auth/login')) {
          const res = await send('POST', target, freshClient(), { email: 'x@example.com', password: 'nope' });
          expect(res.status, target).to.be.below(500);
          expect(isEnvelope(res), `${target}: ${res.status} ${res.text}`).to.equal(true);
        }
      });

      it('counts a wrong password from one client against its limit whichever spelling carried it', async () => {
        const client = '198.51.100.77';
        const checked: string[] = [];
        for (const target of ['/api/auth/login', ...spellings('/api/auth/login')]) {
          const res = await send('POST', target, client, { email: `probe.${checked.length}@example.com`, password: 'Wrong-Password-1!' });
          if (res.status === 401) checked.push(target);
        }
        // Three failed checks, whichever spellings reached the route; then the client is locked.
        expect(checked, checked.join(' ')).to.have.length(3);
        const locked = await send('POST', '/api/auth/login', client, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
        expect(locked.status).to.equal(429);
      });

      it('lets no spelling log a locked-out client in', async () => {
        const client = '198.51.100.78';
        for (let i = 0; i < 3; i++) expect((await send('POST', '/api/auth/login', client, { email: 'nobody@example.com', password: 'Wrong-Password-1!' })).status).to.equal(401);
        for (const target of spellings('/api/auth/login')) {
          const res = await send('POST', target, client, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
          expect([400, 404, 429], `${target}: ${res.status}`).to.include(res.status);
        }
      });

      it('counts a wrong password against the account whichever spelling carried it, and keeps the account locked for every spelling', async () => {
        const account = `locked.${profile}@example.com`;
        await app.http.post('/api/auth/register').set('X-Forwarded-For', freshClient()).send({ name: 'Locked', email: account, password: USER_PASSWORD }).expect(201);
        // Three wrong passwords, each through another spelling that reaches the route, lock it.
        const reaching: string[] = [];
        for (const target of ['/api/auth/login', ...spellings('/api/auth/login')]) {
          if (reaching.length === 3) break;
          const res = await send('POST', target, freshClient(), { email: account, password: 'Wrong-Password-1!' });
          if (res.status === 401) reaching.push(target);
        }
        expect(reaching, reaching.join(' ')).to.have.length(3);
        // Locked: its right password is refused under every spelling (like a wrong one where the route is reached).
        for (const target of ['/api/auth/login', ...spellings('/api/auth/login')]) {
          const res = await send('POST', target, freshClient(), { email: account, password: USER_PASSWORD });
          expect([400, 401, 404], `${target}: ${res.status}`).to.include(res.status);
        }
        // The lock is the account's, however the body spells the e-mail.
        const shouted = await send('POST', '/api/auth/login', freshClient(), { email: `  ${account.toUpperCase()} `, password: USER_PASSWORD });
        expect(shouted.status).to.equal(401);
        const admin = await app.admin();
        const id = (await app.http.get(`/api/users?search=${encodeURIComponent(account)}`).set('Authorization', admin.auth).expect(200)).body.data.items[0].id as string;
        await app.http.post(`/api/users/${id}/unlock`).set('Authorization', admin.auth).expect(200);
        expect((await send('POST', '/api/auth/login', freshClient(), { email: `  ${account.toUpperCase()} `, password: USER_PASSWORD })).status).to.equal(200);
      });

      it('refuses a percent-encoded letter, slash or dot segment with a 400 naming the path', async () => {
        for (const target of ['/api/%61uth/login', '/api/auth%2Flogin', '/api/%2e%2e/api/auth/login', '/api/./auth/login', '/api//auth/login', '/api/auth/login/', '/api/auth/login%C0%AF']) {
          const res = await send('POST', target, freshClient(), { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
          expect(res.status, target).to.equal(400);
          expect((res.body?.['errors'] as { path: string }[])[0]!.path, target).to.equal('path');
        }
        const shouted = await send('POST', '/API/auth/login', freshClient(), { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
        expect(shouted.status).to.equal(404);
        expect(shouted.body?.['message']).to.include('case-sensitive');
      });
    });

    context('the general /api limit', () => {
      let app: TestApp;
      let admin: string;
      let userPath: string;
      before(async function () {
        app = await startTestApp(this, profile, { RATE_LIMIT_API_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '600', TRUST_PROXY: 'true' });
        admin = (await app.admin()).auth;
        userPath = `/api/users/${(await app.admin()).userId}`;
      });
      after(async () => app?.close());

      it('lets no spelling of GET /api/users/:id past a client that used up its limit', async () => {
        const client = '203.0.113.50';
        const send = (target: string) => rawRequest(app.baseUrl, 'GET', target, { headers: { 'X-Forwarded-For': client, Authorization: admin } });
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await send(userPath)).status);
        expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429]);
        for (const target of spellings(userPath)) {
          const res = await send(target);
          expect([400, 404, 429], `${target}: ${res.status}`).to.include(res.status);
          expect(isEnvelope(res), target).to.equal(true);
        }
      });

      it('counts every spelling that reaches a route, and unmatched ones too', async () => {
        const client = '203.0.113.51';
        const send = (target: string) => rawRequest(app.baseUrl, 'GET', target, { headers: { 'X-Forwarded-For': client, Authorization: admin } });
        let served = 0;
        for (const target of [userPath, ...spellings(userPath)]) if ((await send(target)).status === 200) served++;
        expect(served).to.be.at.most(5);
        expect((await send(userPath)).status).to.equal(429);
      });
    });
  });
}
