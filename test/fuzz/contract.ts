import { currentContext } from '../../src/application/context';
import type { LogFields, Logger } from '../../src/application/ports/logger.port';
import { TEST_JWT_SECRET } from '../support/test-app';
import type { RawRequest, RawResponse } from './raw-http';
import { type Change, changesBetween, type Snapshot } from './state-snapshot';

/*
 * The contract every answer keeps, whatever was asked (README, "The HTTP contract"):
 * - never a 5xx: bad input is the client's fault, and nothing here takes a dependency down;
 * - always the envelope: `success`, `statusCode` equal to the HTTP status, a `message`, and on
 *   errors the `requestId` (the same as the X-Request-ID header) and well-formed `errors`;
 * - a refused request (4xx) leaves every store as it was, but for the traces a refusal is
 *   meant to leave (a failed login is audited; a reused refresh token revokes its family; the
 *   failed login that locks an account audits the lock and mails its owner a notice).
 */

/** Error-level log lines, by request id, so a 5xx can be reported with its stack. */
export const errorLog = (): { logger: Logger; forRequest(id: string | undefined): LogFields[]; all(): { message: string; fields: LogFields }[] } => {
  const lines: { requestId: string | undefined; message: string; fields: LogFields }[] = [];
  const keep = (message: string, fields: LogFields = {}) => {
    lines.push({ requestId: currentContext()?.requestId, message, fields });
    if (lines.length > 500) lines.shift();
  };
  const ignore = () => undefined;
  return {
    logger: { debug: ignore, info: ignore, warn: ignore, error: keep, access: (fields) => (fields.status >= 500 ? keep('request failed', { ...fields }) : undefined) },
    forRequest: (id) => lines.filter((l) => id !== undefined && l.requestId === id).map((l) => ({ message: l.message, ...l.fields })),
    all: () => lines.map(({ message, fields }) => ({ message, fields })),
  };
};

/** Audit actions a refusal is meant to record. */
const REFUSAL_AUDIT_ACTIONS = new Set(['auth.login.failed', 'auth.refresh.reused', 'auth.mfa.failed', 'auth.lockout']);

const parse = (json: string | undefined): Record<string, unknown> | undefined => {
  try {
    return json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>);
  } catch {
    return undefined;
  }
};

/** The changes a refused request made that it was not meant to make. */
export const unexpectedChanges = (before: Snapshot, after: Snapshot): Change[] => {
  const changes = changesBetween(before, after);
  const audited = (action: string) => changes.some((c) => c.where.startsWith('AuditLog') && c.before === undefined && parse(c.after)?.['action'] === action);
  const auditedReuse = audited('auth.refresh.reused');
  const lockedOut = audited('auth.lockout');
  return changes.filter((c) => {
    if (c.where.startsWith('AuditLog') && c.before === undefined && REFUSAL_AUDIT_ACTIONS.has(String(parse(c.after)?.['action']))) return false;
    // A lock's notice: one new account mail in the outbox, and the job it was relayed as.
    if (lockedOut && c.where.startsWith('OutboxStore') && c.before === undefined && (parse(c.after)?.['message'] as { name?: string } | undefined)?.name === 'account-locked') return false;
    if (lockedOut && c.where.endsWith('.jobsAdded')) return false;
    if (auditedReuse && c.where.startsWith('RefreshTokenStore')) {
      // Reuse detection revokes the family: only `revokedAt` may appear.
      const b = parse(c.before);
      const a = parse(c.after);
      if (b && a && !b['revokedAt'] && a['revokedAt']) {
        delete a['revokedAt'];
        delete b['revokedAt'];
        if (JSON.stringify(a) === JSON.stringify(b)) return false;
      }
    }
    return true;
  });
};

/** A line of a V8 stack trace, raw or escaped inside a JSON string. */
const STACK_LINE = /(\n|\\n)\s+at [\w$.<> ]+ \(/;

export interface Asked {
  /** Who the request claimed to be: `valid`, `forged` (must never pass), or `none`. */
  readonly credentials: 'valid' | 'forged' | 'none';
  /** The route aimed at is served to anyone. */
  readonly publicRoute: boolean;
  /** The route aimed at answers before authentication (health checks). */
  readonly beforeAuthentication: boolean;
}

/** Every way this answer breaks the contract (empty when it keeps it). */
export const contractViolations = (req: RawRequest, res: RawResponse, asked: Asked): string[] => {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}: a 5xx for a client's request`);
  // OPTIONS describes a route (its Allow list, public in the docs), never its data: anyone may ask.
  const describesOnly = req.method === 'OPTIONS';
  if (res.status < 300 && !describesOnly && asked.credentials === 'forged' && !asked.beforeAuthentication) problems.push(`forged credentials were accepted (${res.status})`);
  if (res.status < 300 && !describesOnly && asked.credentials === 'none' && !asked.publicRoute) problems.push(`a protected route answered ${res.status} to a request without credentials`);
  const requestId = res.headers['x-request-id'];
  if (typeof requestId !== 'string' || requestId.length === 0) problems.push('no X-Request-ID header');
  if (res.text.includes(TEST_JWT_SECRET) || STACK_LINE.test(res.text)) problems.push('the body leaks a secret or a stack trace');

  // HEAD answers and 204/304 have no body by HTTP's rules.
  if (req.method === 'HEAD' || res.status === 204 || res.status === 304) return problems;
  // Two successes are not the envelope by design, and say so themselves (an id spelled `export`
  // reaches the export, so this goes by the answer, not by the route that was aimed at).
  const contentType = String(res.headers['content-type'] ?? '');
  if (res.status === 200 && contentType.startsWith('text/plain; version=0.0.4')) return problems;
  // The reference page and its assets (GET /docs), and the API description (GET /openapi.json).
  if (res.status === 200 && /^text\/(html|css|javascript)/.test(contentType)) return problems;
  if (res.status === 200 && contentType.startsWith('application/json') && res.text.startsWith('{"openapi":"3.1')) return problems;
  if (res.status === 200 && /^attachment; filename="users\.(json|ndjson)"$/.test(String(res.headers['content-disposition']))) {
    try {
      if (contentType.startsWith('application/x-ndjson')) res.text.split('\n').filter(Boolean).forEach((l) => JSON.parse(l));
      else if (!Array.isArray(JSON.parse(res.text))) problems.push('the export is not a JSON array');
    } catch {
      problems.push('the export is not well-formed JSON / NDJSON');
    }
    return problems;
  }

  if (!contentType.startsWith('application/json')) {
    problems.push(`not the JSON envelope: content-type "${contentType}"`);
    return problems;
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    problems.push('the body is not JSON');
    return problems;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [...problems, 'the body is not a JSON object'];
  if (body['success'] !== res.status < 400) problems.push(`success is ${String(body['success'])} for a ${res.status}`);
  if (body['statusCode'] !== res.status) problems.push(`statusCode ${String(body['statusCode'])} differs from the HTTP status ${res.status}`);
  if (typeof body['message'] !== 'string' || body['message'].length === 0) problems.push('no message');
  if (res.status >= 400) {
    if (typeof body['requestId'] !== 'string' || body['requestId'] !== requestId) problems.push(`requestId ${JSON.stringify(body['requestId'])} is not the X-Request-ID ${String(requestId)}`);
    const errors = body['errors'];
    if (errors !== undefined && (!Array.isArray(errors) || !errors.every((e: { path?: unknown; message?: unknown }) => typeof e?.path === 'string' && typeof e?.message === 'string'))) {
      problems.push('errors is not a list of {path, message}');
    }
  }
  return problems;
};
