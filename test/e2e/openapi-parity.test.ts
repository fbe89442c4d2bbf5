import { expect } from 'chai';
import { API_ROUTES, isDescribedElsewhere } from '../../src/adapters/http/openapi/api-routes';
import { buildOpenApiDocument, openApiPath } from '../../src/adapters/http/openapi/document';
import { routesOf } from '../fuzz/router-routes';
import { checkResponse, responsesChecked, takeMismatches } from '../support/openapi-responses';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * The OpenAPI document and the routers cannot drift apart: every route a router serves is in the
 * document (or listed in NOT_DESCRIBED with its reason), and every operation of the document is
 * served. Both profiles mount the same routers; the embedded one is enough to read them.
 */
describe('e2e :: the OpenAPI document covers exactly the routes of the routers', function () {
  this.timeout(60_000);
  let app: TestApp;
  before(async function () {
    app = await startTestApp(this, 'embedded');
  });
  after(async () => app?.close());

  it('lists every route the routers serve, and nothing they do not', () => {
    const served = routesOf(app.runtime.http!).map((r) => r.key);
    const api = served.filter((key) => {
      const [method, template] = key.split(' ') as [string, string];
      return !isDescribedElsewhere(method, template);
    });
    const described = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(api.filter((k) => !described.includes(k)).sort(), 'routes the document lacks (add them to src/adapters/http/openapi/api-routes.ts)').to.deep.equal([]);
    expect(described.filter((k) => !served.includes(k)).sort(), 'operations of the document no router serves').to.deep.equal([]);
    expect(new Set(described).size, 'an operation listed twice').to.equal(described.length);
  });

  it('keeps out of the document only what NOT_DESCRIBED names', () => {
    const served = routesOf(app.runtime.http!).map((r) => r.key);
    const excluded = served.filter((key) => isDescribedElsewhere(...(key.split(' ') as [string, string])));
    // The operator pages under /admin (the queue dashboard) are excluded as a whole.
    expect(excluded.filter((key) => !/^[A-Z]+ \/admin(\/|$)/.test(key)).sort()).to.deep.equal([
      'GET /docs',
      'GET /docs/assets/:file',
      'GET /health',
      'GET /health/live',
      'GET /metrics',
      'GET /openapi.json',
    ]);
  });

  it('describes each path parameter of a route template, and only those', () => {
    const doc = buildOpenApiDocument();
    for (const route of API_ROUTES) {
      const op = doc.paths[openApiPath(route.path)]![route.method.toLowerCase()]!;
      const inPath = ((op['parameters'] as { name: string; in: string }[] | undefined) ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const inTemplate = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      expect(inPath, `${route.method} ${route.path}`).to.deep.equal(inTemplate);
    }
  });

  it('checks the responses of the harness against the document, and catches one that breaks it', async () => {
    const before = responsesChecked();
    const admin = await app.admin();
    await app.http.get('/api/users').set('Authorization', admin.auth).expect(200);
    expect(responsesChecked()).to.be.greaterThan(before);
    expect(takeMismatches()).to.deep.equal([]);
    // A status the operation does not document: 418 is never an answer of GET /api/users/{id}.
    const problem = checkResponse({ method: 'GET', url: `/api/users/${admin.userId}`, status: 418, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
    expect(problem).to.match(/lists no 418/);
    const wrongBody = checkResponse({
      method: 'GET',
      url: `/api/users/${admin.userId}`,
      status: 200,
      headers: { 'content-type': 'application/json', etag: '"x"', 'x-request-id': 'r' },
      body: Buffer.from(JSON.stringify({ success: true, statusCode: 200, message: 'User found', data: { id: admin.userId, passwordHash: 'x' } })),
    });
    expect(wrongBody).to.match(/does not match the document/);
    const noRequestId = checkResponse({ method: 'GET', url: '/api/csrf-token', status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
    expect(noRequestId).to.match(/required header X-Request-ID is missing/);
  });

  it('documents 413 and 415 on every operation whose body is read, used by the route or not (the fuzzer found a DELETE answering 413)', async () => {
    const doc = buildOpenApiDocument();
    for (const route of API_ROUTES.filter((r) => r.method !== 'GET')) {
      const op = doc.paths[openApiPath(route.path)]![route.method.toLowerCase()]!;
      expect(Object.keys(op.responses), `${route.method} ${route.path}`).to.include.members(['413', '415']);
    }
    // A DELETE that takes no body, sent a body over BODY_LIMIT and one that is not JSON: each answer
    // goes through the harness's check against the document.
    const admin = await app.admin();
    await app.http.delete(`/api/users/${admin.userId}`).set('Authorization', admin.auth).set('Content-Type', 'application/json').send(`{"x":"${'a'.repeat(200_000)}"}`).expect(413);
    await app.http.delete(`/api/users/${admin.userId}`).set('Authorization', admin.auth).set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}').expect(415);
    expect(takeMismatches()).to.deep.equal([]);
  });
});
