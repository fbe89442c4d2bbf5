import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PROFILES, startTestApp, type TestApp } from '../support/test-app';

type Response = { headers: Record<string, unknown> };

const setCookies = (res: Response): string[] => {
  const raw = res.headers['set-cookie'];
  return Array.isArray(raw) ? (raw as string[]) : raw ? [String(raw)] : [];
};
const cookieValue = (res: Response, name: string): string | undefined =>
  setCookies(res)
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]!
    .slice(name.length + 1);
/** Every cookie a response set, as one `Cookie` header (as a browser that ignored paths would send them). */
const cookieHeader = (res: Response, except: string[] = []): string =>
  setCookies(res)
    .map((c) => c.split(';')[0]!)
    .filter((c) => !except.some((name) => c.startsWith(`${name}=`)))
    .join('; ');

for (const profile of PROFILES) {
  describe(`e2e :: cookies and the CSRF token (${profile} profile)`, function () {
    this.timeout(60_000);

    context('the CSRF token is signed and bound to the refresh cookie', () => {
      let app: TestApp;
      before(async function () {
        this.timeout(120_000);
        app = await startTestApp(this, profile);
      });
      after(async () => app?.close());

      const loginBrowser = async (email: string, password: string) => {
        const browser = app.agent();
        const login = await browser.post('/api/auth/login').send({ email, password }).expect(200);
        const csrf = await browser.get('/api/csrf-token').expect(200);
        return { browser, login, token: csrf.body.data.csrfToken as string, refresh: cookieValue(login, 'nexus_refresh')! };
      };

      it('keeps the browser flow working across rotations: login, token, refresh, refresh again with the renewed cookie', async () => {
        const s = await app.newUser('flow');
        const { browser, token } = await loginBrowser(s.email, s.password);
        const first = await browser.post('/api/auth/refresh').set('X-CSRF-Token', token).send({}).expect(200);
        const renewed = cookieValue(first, 'nexus_csrf');
        expect(renewed, 'a refresh renews the CSRF cookie for the new refresh token').to.be.a('string');
        await browser.post('/api/auth/refresh').set('X-CSRF-Token', decodeURIComponent(renewed!)).send({}).expect(200);
        const fresh = await browser.get('/api/csrf-token').expect(200);
        await browser.post('/api/auth/refresh').set('X-CSRF-Token', fresh.body.data.csrfToken).send({}).expect(200);
        const forLogout = (await browser.get('/api/csrf-token').expect(200)).body.data.csrfToken as string;
        await browser.post('/api/auth/logout').set('X-CSRF-Token', forLogout).send({}).expect(200);
        await browser.post('/api/auth/refresh').set('X-CSRF-Token', forLogout).send({}).expect(400);
      });

      it('refuses a forged token even when the cookie and the header agree', async () => {
        const s = await app.newUser('forged');
        const { refresh, token } = await loginBrowser(s.email, s.password);
        const [nonce] = token.split('.');
        for (const forged of ['forged-value', `${nonce}.AAAA`, `${nonce}`, `${token}x`, '.', '']) {
          const res = await supertest(app.baseUrl)
            .post('/api/auth/refresh')
            .set('Cookie', `nexus_refresh=${refresh}; nexus_csrf=${encodeURIComponent(forged)}`)
            .set('X-CSRF-Token', forged)
            .send({});
          expect(res.status, forged).to.equal(403);
        }
      });

      it('refuses a token minted for another refresh cookie (cookie tossing)', async () => {
        const victim = await app.newUser('victim');
        const attacker = await app.newUser('attacker');
        const v = await loginBrowser(victim.email, victim.password);
        const a = await loginBrowser(attacker.email, attacker.password);
        const tossed = await supertest(app.baseUrl)
          .post('/api/auth/refresh')
          .set('Cookie', `nexus_refresh=${v.refresh}; nexus_csrf=${encodeURIComponent(a.token)}`)
          .set('X-CSRF-Token', a.token)
          .send({});
        expect(tossed.status).to.equal(403);
        // The victim's own token still works.
        await supertest(app.baseUrl).post('/api/auth/refresh').set('Cookie', `nexus_refresh=${v.refresh}; nexus_csrf=${encodeURIComponent(v.token)}`).set('X-CSRF-Token', v.token).send({}).expect(200);
      });

      it('refuses a token minted by another deployment (another secret) for the same cookies', async function () {
        const other = await startTestApp(this, profile, { JWT_SECRET: 'another-deployment-secret-0123456789abcdef' });
        try {
          const s = await app.newUser('elsewhere');
          const login = await supertest(app.baseUrl).post('/api/auth/login').send({ email: s.email, password: s.password }).expect(200);
          const minted = await supertest(other.baseUrl).get('/api/csrf-token').set('Cookie', cookieHeader(login)).expect(200);
          const token = minted.body.data.csrfToken as string;
          const res = await supertest(app.baseUrl)
            .post('/api/auth/refresh')
            .set('Cookie', `${cookieHeader(login, ['nexus_csrf'])}; nexus_csrf=${encodeURIComponent(token)}`)
            .set('X-CSRF-Token', token)
            .send({});
          expect(res.status).to.equal(403);
        } finally {
          await other.close();
        }
      });
    });

    context('Secure cookies whenever the request came over TLS', () => {
      it('marks cookies Secure behind a trusted proxy that says https, and only then', async function () {
        const trusted = await startTestApp(this, profile, { TRUST_PROXY: 'true' });
        const untrusted = await startTestApp(this, profile, { TRUST_PROXY: 'false' });
        try {
          const viaTls = await supertest(trusted.baseUrl).post('/api/auth/login').set('X-Forwarded-Proto', 'https').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
          for (const c of setCookies(viaTls)) expect(c, c).to.match(/;\s*secure/i);
          const csrf = await supertest(trusted.baseUrl).get('/api/csrf-token').set('X-Forwarded-Proto', 'https').expect(200);
          for (const c of setCookies(csrf)) expect(c, c).to.match(/;\s*secure/i);
          const plain = await supertest(trusted.baseUrl).post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
          for (const c of setCookies(plain)) expect(c, c).to.not.match(/;\s*secure/i);
          const spoofed = await supertest(untrusted.baseUrl).post('/api/auth/login').set('X-Forwarded-Proto', 'https').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
          for (const c of setCookies(spoofed)) expect(c, c).to.not.match(/;\s*secure/i);
        } finally {
          await trusted.close();
          await untrusted.close();
        }
      });

      it('marks cookies Secure when the server itself terminates TLS', async function () {
        const dir = mkdtempSync(join(tmpdir(), 'nexus-tls-'));
        const app = await startTestApp(this, profile);
        try {
          execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
          const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, app.runtime.http!.callback()).listen(0, '127.0.0.1');
          await new Promise((r) => server.once('listening', r));
          try {
            const body = JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
            const res = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
              const req = request(
                { host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/api/auth/login', rejectUnauthorized: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
                (r) => {
                  r.resume();
                  r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers }));
                },
              );
              req.on('error', reject);
              req.end(body);
            });
            expect(res.status).to.equal(200);
            expect(setCookies(res)).to.have.length.above(0);
            for (const c of setCookies(res)) expect(c, c).to.match(/;\s*secure/i);
          } finally {
            server.closeAllConnections();
            await new Promise((r) => server.close(r));
          }
        } finally {
          await app.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  });
}
