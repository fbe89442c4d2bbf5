import { expect } from 'chai';
import { DOCS_CSP } from '../../src/adapters/http/docs/docs.routes';
import { PROFILES, startTestApp, type TestApp } from '../support/test-app';

for (const profile of PROFILES) {
  describe(`e2e :: the API description and its reference page (${profile} profile)`, function () {
    this.timeout(60_000);

    context('DOCS_ENABLED (default)', () => {
      let app: TestApp;
      before(async function () {
        this.timeout(120_000);
        app = await startTestApp(this, profile);
      });
      after(async () => app?.close());

      it('answers the OpenAPI 3.1 document at /openapi.json, to anyone', async () => {
        const res = await app.http.get('/openapi.json').expect(200);
        expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
        const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { securitySchemes: Record<string, unknown> } };
        expect(doc.openapi).to.equal('3.1.0');
        expect(Object.keys(doc.paths)).to.include.members(['/api/users', '/api/users/{id}', '/api/auth/login']);
        expect(Object.keys(doc.components.securitySchemes)).to.have.members(['bearerAuth', 'apiKey', 'refreshCookie', 'csrfHeader']);
      });

      it('refuses a bad credential there as anywhere (a public route still checks what is sent)', async () => {
        await app.http.get('/openapi.json').set('Authorization', 'Bearer not-a-token').expect(401);
      });

      it('serves /docs as HTML with a policy that allows its own assets and nothing else', async () => {
        const res = await app.http.get('/docs').expect(200);
        expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
        expect(res.headers['content-security-policy']).to.equal(DOCS_CSP);
        const csp = DOCS_CSP.split('; ');
        expect(csp).to.include.members(["default-src 'none'", "script-src 'self'", "connect-src 'self'"]);
        // No inline script: every script element loads a file of ours, and nothing from another origin.
        const scripts = [...res.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
        expect(scripts).to.have.length(2);
        for (const [, attributes, content] of scripts) {
          expect(attributes).to.match(/^ src="docs\/assets\/[\w.-]+"$/);
          expect(content).to.equal('');
        }
        expect(res.text).not.to.match(/https?:\/\//);
      });

      it('serves the assets from the npm package with their content types', async () => {
        const js = await app.http.get('/docs/assets/swagger-ui-bundle.js').expect(200);
        expect(js.headers['content-type']).to.equal('text/javascript; charset=utf-8');
        expect(js.text).to.contain('SwaggerUIBundle');
        const css = await app.http.get('/docs/assets/swagger-ui.css').expect(200);
        expect(css.headers['content-type']).to.equal('text/css; charset=utf-8');
        const init = await app.http.get('/docs/assets/init.js').expect(200);
        expect(init.headers['content-type']).to.equal('text/javascript; charset=utf-8');
        expect(init.text).to.contain("'openapi.json'").and.to.contain('validatorUrl: null');
        for (const res of [js, css, init]) expect(res.headers['x-content-type-options']).to.equal('nosniff');
        const head = await app.http.head('/docs/assets/swagger-ui.css').expect(200);
        expect(head.headers['content-type']).to.equal('text/css; charset=utf-8');
        expect(Number(head.headers['content-length'])).to.be.greaterThan(10_000);
      });

      it('serves no other file of the package, or of the disk', async () => {
        for (const path of ['/docs/assets/index.html', '/docs/assets/package.json', '/docs/assets/swagger-ui-bundle.js.map', '/docs/assets/%2e%2e%2fpackage.json']) {
          const res = await app.http.get(path);
          expect(res.status, path).to.be.oneOf([400, 404]);
          expect(res.body.success, path).to.equal(false);
        }
      });

      it('answers 405 with Allow for a write to the docs', async () => {
        const res = await app.http.post('/openapi.json').send({}).expect(405);
        expect(res.headers['allow']).to.equal('GET, HEAD');
      });
    });

    context('DOCS_ENABLED=false', () => {
      let app: TestApp;
      before(async function () {
        this.timeout(120_000);
        app = await startTestApp(this, profile, { DOCS_ENABLED: 'false' });
      });
      after(async () => app?.close());

      it('hides /openapi.json, /docs and its assets (404)', async () => {
        for (const path of ['/openapi.json', '/docs', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/init.js']) {
          const res = await app.http.get(path).expect(404);
          expect(res.body.success, path).to.equal(false);
        }
      });
    });
  });
}
