import { expect } from 'chai';
import { contractViolations, unexpectedChanges } from './contract';
import { closeRawHttp, type RawRequest, type RawResponse, send } from './raw-http';
import { spell } from './requests';
import { changesBetween, storesOf, takeSnapshot } from './state-snapshot';
import { startTestApp, type TestApp, USER_PASSWORD } from '../support/test-app';

/* The fuzz suite's oracle must be able to fail: each check here is shown a broken answer. */

const get: RawRequest = { method: 'GET', path: '/api/users', headers: {} };
const asked = { credentials: 'valid', publicRoute: false, beforeAuthentication: false } as const;
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): RawResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'rid-1', ...headers },
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('Fuzz :: the oracle', () => {
  context('the contract of one answer', () => {
    it('accepts the envelope, for a success and for an error', () => {
      expect(contractViolations(get, answer(200, { success: true, statusCode: 200, message: 'Users', data: [] }), asked)).to.deep.equal([]);
      expect(contractViolations(get, answer(404, { success: false, statusCode: 404, message: 'User not found', requestId: 'rid-1' }), asked)).to.deep.equal([]);
    });

    it('flags a 5xx, plain text, a status that disagrees with statusCode, and a missing requestId', () => {
      expect(contractViolations(get, answer(500, { success: false, statusCode: 500, message: 'x', requestId: 'rid-1' }), asked)).to.have.length(1);
      expect(contractViolations(get, answer(405, 'Method Not Allowed', { 'content-type': 'text/plain; charset=utf-8' }), asked)[0]).to.match(/not the JSON envelope/);
      expect(contractViolations(get, answer(400, { success: false, statusCode: 422, message: 'x', requestId: 'rid-1' }), asked)[0]).to.match(/statusCode 422/);
      expect(contractViolations(get, answer(400, { success: false, statusCode: 400, message: 'x' }), asked)[0]).to.match(/requestId/);
      expect(contractViolations(get, answer(400, { success: false, statusCode: 400, message: 'x', requestId: 'rid-1', errors: ['x'] }), asked)[0]).to.match(/errors/);
      expect(contractViolations(get, answer(200, { success: false, statusCode: 200, message: 'x' }), asked)[0]).to.match(/success/);
    });

    it('flags a success for forged credentials, or for nobody on a protected route', () => {
      const ok = answer(200, { success: true, statusCode: 200, message: 'Users' });
      expect(contractViolations(get, ok, { ...asked, credentials: 'forged' })[0]).to.match(/forged/);
      expect(contractViolations(get, ok, { ...asked, credentials: 'none' })[0]).to.match(/without credentials/);
      expect(contractViolations(get, ok, { ...asked, credentials: 'none', publicRoute: true })).to.deep.equal([]);
    });

    it('flags a stack trace in a body', () => {
      const leaked = answer(400, { success: false, statusCode: 400, message: 'Error: x\n    at Object.<anonymous> (/app/x.js:1:1)', requestId: 'rid-1' });
      expect(contractViolations(get, leaked, asked)[0]).to.match(/stack trace/);
    });
  });

  context('path spellings', () => {
    it('writes each spelling of a path as a hostile client would', () => {
      const path = '/api/users/abc';
      expect(spell(path, { style: 'upperCase', at: 0 })).to.equal('/API/USERS/ABC');
      expect(spell(path, { style: 'trailingSlash', at: 0 })).to.equal('/api/users/abc/');
      expect(spell(path, { style: 'doubleSlash', at: 0 })).to.equal('/api//users/abc');
      expect(spell(path, { style: 'dotSegment', at: 1 })).to.equal('/api/users/./abc');
      expect(spell(path, { style: 'dotDotSegment', at: 0 })).to.equal('/api/x/../users/abc');
      expect(spell(path, { style: 'encodedLetter', at: 0 })).to.equal('/%61pi/users/abc');
      expect(spell(path, { style: 'encodedSlash', at: 0 })).to.equal('/api%2Fusers/abc');
    });
  });

  context('what a refused request may change', function () {
    this.timeout(60_000);
    let app: TestApp;
    before(async function () {
      this.timeout(60_000);
      app = await startTestApp(this, 'embedded');
    });
    after(async () => {
      await app?.close();
      closeRawHttp();
    });

    const json = (method: string, path: string, body: unknown): RawRequest => ({ method, path, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) });

    it('sees a new account in the stores, and lets a failed login through only as its audit entry', async () => {
      const stores = storesOf(app.runtime.container);
      const before = takeSnapshot(stores);
      const created = await send(app.baseUrl, json('POST', '/api/auth/register', { name: 'Oracle', email: 'oracle@example.com', password: USER_PASSWORD }));
      expect(created.status).to.equal(201);
      const afterRegister = takeSnapshot(stores);
      expect(unexpectedChanges(before, afterRegister).map((c) => c.where)).to.include.members(['UserRepository(InMemoryUserRepository).byId']);

      const refused = await send(app.baseUrl, json('POST', '/api/auth/login', { email: 'oracle@example.com', password: 'wrong-Password-1!' }));
      expect(refused.status).to.equal(401);
      const afterLogin = takeSnapshot(stores);
      expect(changesBetween(afterRegister, afterLogin).map((c) => c.where)).to.deep.equal(['AuditLog(InMemoryAuditLog).entries']);
      expect(unexpectedChanges(afterRegister, afterLogin)).to.deep.equal([]);
    });

    it('lets the failed login that locks an account through only with its lockout traces: the audit entry and the notice mail', async () => {
      const stores = storesOf(app.runtime.container);
      const email = 'oracle.locked@example.com';
      expect((await send(app.baseUrl, json('POST', '/api/auth/register', { name: 'Oracle Locked', email, password: USER_PASSWORD }))).status).to.equal(201);
      const wrong = json('POST', '/api/auth/login', { email, password: 'wrong-Password-1!' });
      for (let i = 0; i < 9; i++) expect((await send(app.baseUrl, wrong)).status).to.equal(401);

      const before = takeSnapshot(stores);
      expect((await send(app.baseUrl, wrong)).status).to.equal(401);
      const after = takeSnapshot(stores);

      const where = changesBetween(before, after).map((c) => c.where);
      expect(where).to.include.members(['AuditLog(InMemoryAuditLog).entries', 'OutboxStore(InMemoryOutboxStore).rows']);
      expect(unexpectedChanges(before, after)).to.deep.equal([]);
      // Only the locking failure may leave them: an ordinary refusal that adds a mail is flagged.
      const unrelated = takeSnapshot(stores);
      expect((await send(app.baseUrl, json('POST', '/api/auth/register', { name: 'Someone', email: 'oracle.other@example.com', password: USER_PASSWORD }))).status).to.equal(201);
      const mailed = changesBetween(unrelated, takeSnapshot(stores)).filter((c) => c.where.startsWith('OutboxStore') || c.where.startsWith('JobQueue'));
      expect(mailed).to.not.deep.equal([]);
      expect(unexpectedChanges(unrelated, takeSnapshot(stores)).map((c) => c.where)).to.include('OutboxStore(InMemoryOutboxStore).rows');
    });
  });
});
