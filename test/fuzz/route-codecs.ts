import fc from 'fast-check';
import type * as t from 'io-ts';
import { ForgotPasswordBody, ResetPasswordBody, VerifyEmailBody } from '../../src/adapters/http/auth/account.codecs';
import { ChangePasswordBody, LoginBody, RefreshBody, RegisterBody } from '../../src/adapters/http/auth/auth.codecs';
import { EndSessionsQuery, SessionIdParams } from '../../src/adapters/http/auth/sessions.routes';
import { ConfirmTotpBody, DisableTotpBody, MfaLoginBody } from '../../src/adapters/http/auth/mfa.codecs';
import {
  AssignRoleBody,
  CreateUserBody,
  ExportQuery,
  ListUsersQuery,
  TransferRoleBody,
  UpdateUserBody,
  UserIdParams,
  UserRoleParams,
} from '../../src/adapters/http/users/users.codecs';
import { ListCursors } from '../../src/adapters/http/pagination.codecs';
import { DocsAssetParams } from '../../src/adapters/http/docs/docs.routes';
import { USER_SORT_FIELDS } from '../../src/application/ports/user-repository.port';
import { TEST_JWT_SECRET } from '../support/test-app';
import { emailAddress } from './arbitraries-from-codec';
import {
  AuditQuery,
  CreateApiKeyBody,
  CreateRoleBody,
  DataJobBody,
  DeadLetterParams,
  DeadLetterQuery,
  EmailJobBody,
  JobParams,
  KeyIdParams,
  RoleIdParams,
  UpdateRoleBody,
} from './private-codecs';
import { ref } from './world';

export type Codec = t.Decoder<unknown, unknown> & { readonly name: string };

/** What the fuzzer knows about one route: the codecs its handler decodes, and better values for some fields. */
export interface RouteSpec {
  readonly params?: Codec;
  readonly query?: Codec;
  readonly body?: Codec;
  /** Field arbitraries for this route (by field name), on top of FIELD_HINTS. */
  readonly fields?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  /** Served to anyone: elsewhere, a request without valid credentials must never succeed. */
  readonly public?: boolean;
  /** Each accepted request hashes a password (argon2): fewer runs keep the budget. */
  readonly costly?: boolean;
}

const STRONG_PASSWORDS = ['Tangerine-Lighthouse-58!', 'Violet-Umbrella-Harbor-42', 'Correct-Horse-Battery-9', 'Quiet-Meadow-Lantern-71#'];

const PERMISSION_WORDS = {
  resource: ['users', 'roles', 'jobs', 'audit', 'metrics', 'api-keys', 'sessions', '*', 'Users', 'users:read', ''],
  action: ['read', 'create', 'update', 'delete', 'assign', 'restore', 'export', 'manage', '*', 'READ', ''],
};

const isoAt = (offsetMs: number) => new Date(Date.UTC(2026, 0, 1) + offsetMs).toISOString();

/**
 * Values that get a generated request past the domain's own checks (a strong password, a fresh
 * e-mail, permissions that are real words, ids and tokens that exist), mixed with the codec's
 * plain values. Keyed by field name; a route's `fields` take precedence.
 */
export const FIELD_HINTS: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  password: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...STRONG_PASSWORDS) }, fc.constant(ref('victimPassword')), fc.string({ maxLength: 30 })),
  newPassword: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...STRONG_PASSWORDS) }, fc.string({ maxLength: 30 })),
  currentPassword: fc.oneof({ weight: 3, arbitrary: fc.constant(ref('victimPassword')) }, fc.constantFrom(...STRONG_PASSWORDS), fc.string({ maxLength: 30 })),
  email: fc.oneof({ weight: 4, arbitrary: emailAddress }, fc.constant(ref('victimEmail')), fc.constant(ref('userEmail')), fc.constant('ROOT@nexus.test')),
  to: emailAddress,
  name: fc.oneof(fc.constantFrom('Ada Lovelace', 'Grace Hopper', 'Zoë Ñúñez', '李小龙', 'fuzz-role', 'reader'), fc.stringMatching(/^[a-z][a-z0-9-]{2,20}$/), fc.string({ minLength: 1, maxLength: 30 })),
  permissions: fc.oneof(
    { weight: 3, arbitrary: fc.array(fc.record({ resource: fc.constantFrom(...PERMISSION_WORDS.resource), action: fc.constantFrom(...PERMISSION_WORDS.action) }), { maxLength: 4 }) },
    fc.array(fc.record({ resource: fc.string({ maxLength: 41 }), action: fc.string({ maxLength: 41 }) }), { maxLength: 3 }),
  ),
  refreshToken: fc.oneof(fc.constant(ref('victimRefresh')), fc.constant(ref('spentRefresh')), fc.string({ maxLength: 200 }), fc.constant('x'.repeat(200))),
  sendAt: fc.oneof(fc.constantFrom(60_000, 3_600_000, 5 * 86_400_000, 20 * 86_400_000).map((ms) => new Date(Date.now() + ms).toISOString()), fc.constantFrom(-86_400_000, 0).map(isoAt), fc.constantFrom('2026-13-40T99:99:99Z', '2027-02-30T00:00:00Z', '9999-12-31T23:59:59Z', '2026-01-01', 'tomorrow', '')),
  expiresAt: fc.oneof(fc.constantFrom(86_400_000, 30 * 86_400_000).map((ms) => new Date(Date.now() + ms).toISOString()), fc.constant(null), fc.constantFrom('1999-01-01T00:00:00Z', '2027-04-31T12:00:00Z', '9999-12-31T23:59:59Z', 'never', '')),
};

/** Six digits mostly (a code the codec takes), sometimes anything. */
const totpCodes = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^\d{6}$/) }, fc.string({ maxLength: 10 }));
const mfaFields = {
  code: totpCodes,
  recoveryCode: fc.oneof(fc.stringMatching(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/), fc.string({ maxLength: 64 })),
  mfaToken: fc.oneof(fc.stringMatching(/^[\w-]{43}$/), fc.string({ maxLength: 200 })),
};
/**
 * `after` on the user list: cursors the app's key sealed (any order, a key of the right kind, an
 * id that may not exist), cursors it did not seal, and junk.
 */
const SORT_KEYS = { createdAt: Date.UTC(2026, 0, 1), name: 'test', email: 'a@example.com', age: null } as const;
const sealed = new ListCursors(TEST_JWT_SECRET);
const listCursors = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...USER_SORT_FIELDS), fc.constantFrom('asc', 'desc')).map(([s, o]) => sealed.seal([1, s, o, SORT_KEYS[s], '0123456789abcdef01234567'])) },
  fc.constant(new ListCursors('not-this-deployment').seal([1, 'createdAt', 'desc', 0, '0123456789abcdef01234567'])),
  fc.string({ maxLength: 60 }),
);

const jobIds = fc.oneof(fc.constant(ref('jobId')), fc.constantFrom('1', '0', '999999'), fc.string({ minLength: 1, maxLength: 12 }));
const queues = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('email', 'data-processing', 'reports') }, fc.constantFrom('nope', 'Email', '__proto__'));

/**
 * Every route of the router, as `METHOD /template` (HEAD rides along with GET), mapped to the
 * codecs its handler decodes. The suite fails when the router has a route this map lacks, or
 * the reverse, so a new route cannot escape the fuzzer.
 */
export const ROUTE_CODECS: Readonly<Record<string, RouteSpec>> = {
  'GET /health/live': { public: true },
  'GET /health': { public: true },
  'GET /metrics': {},
  'GET /api/csrf-token': { public: true },
  // The API description and its reference page (issue 11): no input but the asset's name.
  'GET /openapi.json': { public: true },
  'GET /docs': { public: true },
  'GET /docs/assets/:file': { public: true, params: DocsAssetParams, fields: { file: fc.constantFrom('swagger-ui.css', 'swagger-ui-bundle.js', 'init.js', 'index.html', '..', 'package.json') } },
  'POST /api/auth/register': { body: RegisterBody, costly: true, public: true },
  'POST /api/auth/login': {
    body: LoginBody,
    costly: true,
    public: true,
    // A known account half the time, so logins also succeed.
    fields: {
      email: fc.oneof({ weight: 3, arbitrary: fc.constant(ref('victimEmail')) }, emailAddress, fc.constantFrom(ref('userEmail'), 'ROOT@NEXUS.TEST', ' root@nexus.test')),
      password: fc.oneof({ weight: 3, arbitrary: fc.constant(ref('victimPassword')) }, fc.constantFrom(...STRONG_PASSWORDS), fc.string({ maxLength: 30 })),
    },
  },
  'POST /api/auth/refresh': { body: RefreshBody, public: true },
  'POST /api/auth/logout': { body: RefreshBody, public: true },
  'POST /api/auth/password': { body: ChangePasswordBody, costly: true },
  'GET /api/auth/me': {},
  'GET /api/auth/sessions': {},
  'DELETE /api/auth/sessions': { query: EndSessionsQuery },
  'DELETE /api/auth/sessions/:id': { params: SessionIdParams },
  'GET /api/users/:id/sessions': { params: UserIdParams },
  'DELETE /api/users/:id/sessions': { params: UserIdParams },
  // No fields to derive (an empty or absent body); junk bodies are still sent, and refused by name.
  'POST /api/auth/mfa/totp': {},
  'POST /api/auth/mfa/totp/confirm': { body: ConfirmTotpBody, fields: mfaFields },
  // A password proof is an argon2 verify.
  'DELETE /api/auth/mfa/totp': { body: DisableTotpBody, fields: mfaFields, costly: true },
  'POST /api/auth/login/mfa': { body: MfaLoginBody, fields: mfaFields, public: true },
  'GET /api/users': { query: ListUsersQuery, fields: { after: listCursors } },
  'POST /api/auth/password/forgot': { body: ForgotPasswordBody, public: true },
  'POST /api/auth/password/reset': { body: ResetPasswordBody, public: true },
  'POST /api/auth/email/verify': { body: VerifyEmailBody, public: true },
  // No fields to derive (an empty or absent body); junk bodies are still sent, and refused by name.
  'POST /api/auth/email/verification': {},
  'POST /api/users': { body: CreateUserBody, costly: true },
  'GET /api/users/stats/by-role': {},
  'GET /api/users/export': { query: ExportQuery },
  'GET /api/users/:id': { params: UserIdParams },
  'PATCH /api/users/:id': { params: UserIdParams, body: UpdateUserBody },
  'DELETE /api/users/:id': { params: UserIdParams },
  'POST /api/users/:id/restore': { params: UserIdParams },
  // Takes no body (one that names a field is refused by name, like the junk the fuzzer sends).
  'POST /api/users/:id/unlock': { params: UserIdParams },
  'DELETE /api/users/:id/mfa': { params: UserIdParams },
  'POST /api/users/:id/roles': { params: UserIdParams, body: AssignRoleBody },
  'DELETE /api/users/:id/roles/:roleId': { params: UserRoleParams },
  'POST /api/users/:id/roles/transfer': { params: UserIdParams, body: TransferRoleBody },
  'GET /api/roles': {},
  'POST /api/roles': { body: CreateRoleBody },
  'GET /api/roles/:id': { params: RoleIdParams },
  'PATCH /api/roles/:id': { params: RoleIdParams, body: UpdateRoleBody },
  'DELETE /api/roles/:id': { params: RoleIdParams },
  'POST /api/api-keys': { body: CreateApiKeyBody },
  'GET /api/api-keys': {},
  'DELETE /api/api-keys/:id': { params: KeyIdParams },
  'GET /api/audit': { query: AuditQuery },
  'POST /api/jobs/email': { body: EmailJobBody },
  'POST /api/jobs/data-processing': { body: DataJobBody },
  'GET /api/jobs/schedules': {},
  'GET /api/jobs/dead-letter': { query: DeadLetterQuery },
  'POST /api/jobs/dead-letter/:id/retry': { params: DeadLetterParams, fields: { id: jobIds } },
  'GET /api/jobs/:queue/:id': { params: JobParams, fields: { id: jobIds, queue: queues } },
};

/**
 * Routes of the router the fuzzer leaves out, each with the reason. They are the queue
 * dashboard's browser side (/admin): HTML pages and bull-board's own JSON (not the envelope), by
 * design; their refusals, cookies and audit are proven in test/e2e/admin-dashboard.test.ts and
 * test/browser/dashboard.test.ts.
 */
export const NOT_FUZZED: Readonly<Record<string, string>> = {
  'GET /admin/login': 'the sign-in page (HTML)',
  'GET /admin/assets/admin.css': "the sign-in page's stylesheet",
  'POST /admin/login': 'the sign-in form (form-encoded, answers HTML and redirects)',
  'POST /admin/logout': 'sign-out (redirects)',
  'GET /admin/queues': "bull-board's page (HTML)",
  'GET /admin/queues/{*rest}': "bull-board's pages, assets and JSON API",
  'PUT /admin/queues/{*rest}': "bull-board's JSON API",
  'PATCH /admin/queues/{*rest}': "bull-board's JSON API",
  'POST /admin/queues/{*rest}': "bull-board's JSON API",
};
