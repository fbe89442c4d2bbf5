import * as t from 'io-ts';
import { ForgotPasswordBody, ResendVerificationBody, ResetPasswordBody, VerifyEmailBody } from '../auth/account.codecs';
import { ChangePasswordBody, LoginBody, RefreshBody, RegisterBody } from '../auth/auth.codecs';
import { ConfirmTotpBody, DisableTotpBody, MfaLoginBody, StartTotpBody } from '../auth/mfa.codecs';
import { ResetUserMfaBody } from '../auth/mfa.routes';
import { EndSessionsQuery, SessionIdParams } from '../auth/sessions.routes';
import { CreateApiKeyBody, KeyIdParams } from '../api-keys/api-keys.routes';
import { AuditQuery } from '../audit/audit.routes';
import { strictObject } from '../decode';
import { DataJobBody, DeadLetterParams, DeadLetterQuery, EmailJobBody, JobParams } from '../jobs/jobs.routes';
import { CreateRoleBody, RoleIdParams, UpdateRoleBody } from '../roles/roles.routes';
import { AssignRoleBody, CreateUserBody, ExportQuery, ListUsersQuery, TransferRoleBody, UpdateUserBody, UserIdParams, UserRoleParams } from '../users/users.codecs';
import {
  ApiKeyView,
  Count,
  AuditPage,
  CreatedApiKeyView,
  DeadLetterPage,
  EndedSessionsView,
  IsoDateTime,
  JobView,
  LoginView,
  MeView,
  MfaChallengeView,
  QueuedJobView,
  RecoveryCodesView,
  RoleStatsView,
  RoleView,
  ScheduleView,
  SessionView,
  TokenPairView,
  UserListPage,
  UserView,
} from './views';

export type Codec = t.Decoder<unknown, unknown> & { readonly name: string };

/**
 * Who may call a route:
 * - `public`: anyone (a bearer token or API key that is sent must still be valid);
 * - `caller`: a bearer access token or an API key (the route's permission decides the rest);
 * - `token`: a bearer access token only (credentials are never managed with an API key: 403);
 * - `refresh`: a refresh token in the body, or the refresh cookie with the `X-CSRF-Token` header.
 */
export type Access = 'public' | 'caller' | 'token' | 'refresh';

/** Response headers a route documents; each is required in the answers that list it. */
export type DocumentedHeader = 'ETag' | 'Location' | 'Retry-After' | 'Set-Cookie' | 'Content-Disposition';


export interface SuccessResponse {
  readonly status: number;
  readonly description: string;
  /** The envelope's `data` (undefined: an envelope without data). */
  readonly data?: t.Mixed;
  /** A body that is not the envelope (`GET /api/users/export`), by content type. */
  readonly raw?: Readonly<Record<string, t.Mixed | 'text'>>;
  /** No body at all (304). */
  readonly empty?: true;
  readonly headers?: readonly DocumentedHeader[];
  /** Headers sent in some of these answers only (the login's cookies: not with an MFA challenge). */
  readonly optionalHeaders?: readonly DocumentedHeader[];
}

export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The router's template (`/api/users/:id`). */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: Access;
  readonly params?: Codec;
  readonly query?: Codec;
  readonly body?: Codec;
  /** An absent body is the same as `{}`. */
  readonly bodyOptional?: true;
  /** `If-Match` (writes) or `If-None-Match` (reads) is honoured. */
  readonly conditional?: 'If-Match' | 'If-None-Match';
  readonly responses: readonly SuccessResponse[];
  /** Failure statuses of this route on top of those every route can answer (see document.ts). */
  readonly errors?: readonly number[];
  /** Failures of this route that carry a documented header (e.g. 429 with Retry-After). */
  readonly errorHeaders?: Readonly<Record<number, readonly DocumentedHeader[]>>;
}

const ok = (description: string, data: t.Mixed, headers?: readonly DocumentedHeader[]): SuccessResponse => ({ status: 200, description, data, ...(headers ? { headers } : {}) });
const created = (description: string, data: t.Mixed, headers?: readonly DocumentedHeader[]): SuccessResponse => ({ status: 201, description, data, ...(headers ? { headers } : {}) });
const accepted = (description: string, data: t.Mixed): SuccessResponse => ({ status: 202, description, data });
const notModified: SuccessResponse = { status: 304, description: 'Not modified: the `If-None-Match` names the current ETag (no body)', empty: true, headers: ['ETag'] };

/** No field is taken (the unlock route's own codec is private to it; this is its shape). */
const EmptyBody = strictObject('EmptyBody', {});
const Deleted = t.type({ id: t.string, deleted: t.literal(true) }, 'Deleted');
const Revoked = t.type({ id: t.string, revoked: t.literal(true) }, 'Revoked');
const CsrfTokenView = t.type({ csrfToken: t.string }, 'CsrfToken');

/**
 * Every route of the API, the one description the OpenAPI document is built from. The parity
 * test (test/e2e/openapi-parity.test.ts) fails when a router serves a route this table lacks, or
 * the reverse; the codecs are the ones the handlers decode with.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  // --- auth
  {
    method: 'GET',
    path: '/api/csrf-token',
    tag: 'auth',
    summary: 'Issue a CSRF token (also set as the nexus_csrf cookie) for cookie-carried refresh and logout',
    access: 'public',
    responses: [ok('CSRF token issued', CsrfTokenView, ['Set-Cookie'])],
  },
  {
    method: 'POST',
    path: '/api/auth/register',
    tag: 'auth',
    summary: 'Create an account (the user role; a verification e-mail is sent)',
    access: 'public',
    body: RegisterBody,
    responses: [created('Account created', t.type({ user: UserView }))],
    errors: [409],
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Log in with e-mail and password',
    description:
      'Answers a token pair and sets the refresh cookie (httpOnly, /api/auth) with its CSRF cookies; with TOTP on, answers an `mfaToken` for `POST /api/auth/login/mfa` instead (no cookies). Failures count toward the auth rate limit; repeated failures lock the account (still a 401).',
    access: 'public',
    body: LoginBody,
    responses: [{ ...ok('Logged in, or a second factor is required', t.union([LoginView, MfaChallengeView])), optionalHeaders: ['Set-Cookie'] }],
    errors: [403],
  },
  {
    method: 'POST',
    path: '/api/auth/login/mfa',
    tag: 'auth',
    summary: 'Second step of a login with TOTP on: the mfaToken and a code or a recovery code',
    access: 'public',
    body: MfaLoginBody,
    responses: [ok('Logged in', LoginView, ['Set-Cookie'])],
  },
  {
    method: 'POST',
    path: '/api/auth/refresh',
    tag: 'auth',
    summary: 'Rotate the refresh token (from the body, or the cookie with X-CSRF-Token) for a new pair',
    description: 'A refresh token used twice revokes every session of its login.',
    access: 'refresh',
    body: RefreshBody,
    bodyOptional: true,
    responses: [ok('Session refreshed', TokenPairView, ['Set-Cookie'])],
    errors: [403],
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    tag: 'auth',
    summary: 'End the session of a refresh token (from the body, or the cookie with X-CSRF-Token)',
    access: 'refresh',
    body: RefreshBody,
    bodyOptional: true,
    responses: [ok('Logged out', t.type({ revoked: t.literal(true) }), ['Set-Cookie'])],
    errors: [403],
  },
  {
    method: 'POST',
    path: '/api/auth/password',
    tag: 'auth',
    summary: 'Change your password (every other session ends)',
    access: 'token',
    body: ChangePasswordBody,
    responses: [ok('Password changed', t.type({ changed: t.literal(true) }))],
    errors: [403, 404],
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    tag: 'auth',
    summary: 'Who you are: your user, roles, effective permissions and how you authenticated',
    access: 'caller',
    responses: [ok('You', MeView)],
    errors: [403, 404],
  },
  {
    method: 'POST',
    path: '/api/auth/password/forgot',
    tag: 'account',
    summary: 'Ask for a password-reset link (the same answer whoever the address belongs to)',
    access: 'public',
    body: ForgotPasswordBody,
    responses: [accepted('Accepted', t.type({ accepted: t.literal(true) }))],
  },
  {
    method: 'POST',
    path: '/api/auth/password/reset',
    tag: 'account',
    summary: 'Set a new password with the token of a reset link (every session ends)',
    access: 'public',
    body: ResetPasswordBody,
    responses: [ok('Password reset', t.type({ reset: t.literal(true), sessionsEnded: Count }))],
  },
  {
    method: 'POST',
    path: '/api/auth/email/verify',
    tag: 'account',
    summary: 'Verify your e-mail address with the token of a verification link',
    access: 'public',
    body: VerifyEmailBody,
    responses: [ok('E-mail address verified', t.type({ email: t.string, emailVerified: t.boolean, emailVerifiedAt: t.union([IsoDateTime, t.null]) }))],
  },
  {
    method: 'POST',
    path: '/api/auth/email/verification',
    tag: 'account',
    summary: 'Send a new verification link to your address',
    access: 'caller',
    body: ResendVerificationBody,
    bodyOptional: true,
    responses: [accepted('A new link is on its way', t.type({ sentTo: t.string }))],
    errors: [403, 404, 409],
    errorHeaders: { 429: ['Retry-After'] },
  },
  // --- sessions
  { method: 'GET', path: '/api/auth/sessions', tag: 'sessions', summary: 'Your live sessions (logins)', access: 'token', responses: [ok('Your sessions', t.readonlyArray(SessionView))], errors: [403, 404] },
  {
    method: 'DELETE',
    path: '/api/auth/sessions',
    tag: 'sessions',
    summary: 'End every other session of yours (with includeCurrent=true, this one too)',
    access: 'token',
    query: EndSessionsQuery,
    responses: [ok('Sessions ended', EndedSessionsView)],
    errors: [403, 404],
  },
  {
    method: 'DELETE',
    path: '/api/auth/sessions/:id',
    tag: 'sessions',
    summary: 'End one of your sessions',
    access: 'token',
    params: SessionIdParams,
    responses: [ok('Session ended', t.type({ id: t.string, ended: t.literal(true), current: t.boolean }))],
    errors: [403, 404],
  },
  {
    method: 'GET',
    path: '/api/users/:id/sessions',
    tag: 'sessions',
    summary: "A user's live sessions (sessions:manage)",
    access: 'token',
    params: UserIdParams,
    responses: [ok('Sessions of the user', t.readonlyArray(SessionView))],
    errors: [403, 404],
  },
  {
    method: 'DELETE',
    path: '/api/users/:id/sessions',
    tag: 'sessions',
    summary: "End every session of a user (sessions:manage)",
    access: 'token',
    params: UserIdParams,
    responses: [ok('Every session of the user ended', EndedSessionsView)],
    errors: [403, 404],
  },
  // --- MFA
  {
    method: 'POST',
    path: '/api/auth/mfa/totp',
    tag: 'mfa',
    summary: 'Start TOTP enrolment: a secret to scan (shown once)',
    access: 'token',
    body: StartTotpBody,
    bodyOptional: true,
    responses: [ok('Scan the secret, then confirm a code', t.type({ secret: t.string, otpauthUrl: t.string }))],
    errors: [403, 404, 409],
  },
  {
    method: 'POST',
    path: '/api/auth/mfa/totp/confirm',
    tag: 'mfa',
    summary: 'Confirm enrolment with a code: TOTP is on; recovery codes are shown this once',
    access: 'token',
    body: ConfirmTotpBody,
    responses: [ok('Two-factor login is on', RecoveryCodesView)],
    errors: [403, 404, 409],
  },
  {
    method: 'DELETE',
    path: '/api/auth/mfa/totp',
    tag: 'mfa',
    summary: 'Turn TOTP off (with a code or your password)',
    access: 'token',
    body: DisableTotpBody,
    responses: [ok('Two-factor login is off', t.type({ mfaEnabled: t.literal(false) }))],
    errors: [403, 404, 409],
  },
  {
    method: 'DELETE',
    path: '/api/users/:id/mfa',
    tag: 'mfa',
    summary: "Turn off a user's second factor (users:update): the way back for an owner who lost it",
    access: 'token',
    params: UserIdParams,
    body: ResetUserMfaBody,
    bodyOptional: true,
    responses: [ok('Two-factor login is off for this user', t.type({ id: t.string, wasEnabled: t.boolean }))],
    errors: [403, 404],
  },
  // --- users
  {
    method: 'GET',
    path: '/api/users',
    tag: 'users',
    summary: 'List users: by page (page, limit, total) or by cursor (after); sort, search, status filter',
    access: 'caller',
    query: ListUsersQuery,
    conditional: 'If-None-Match',
    responses: [ok('Users', UserListPage, ['ETag']), notModified],
    errors: [403],
  },
  {
    method: 'POST',
    path: '/api/users',
    tag: 'users',
    summary: 'Create a user (users:create)',
    access: 'caller',
    body: CreateUserBody,
    responses: [created('User created', UserView, ['Location', 'ETag'])],
    errors: [403, 409],
  },
  { method: 'GET', path: '/api/users/stats/by-role', tag: 'users', summary: 'Users per role', access: 'caller', responses: [ok('Users by role', t.readonlyArray(RoleStatsView))], errors: [403] },
  {
    method: 'GET',
    path: '/api/users/export',
    tag: 'users',
    summary: 'Every user, streamed as a JSON array or NDJSON (users:export)',
    access: 'caller',
    query: ExportQuery,
    responses: [{ status: 200, description: 'The users (a download)', raw: { 'application/json': t.readonlyArray(UserView), 'application/x-ndjson': 'text' }, headers: ['Content-Disposition'] }],
    errors: [403],
  },
  {
    method: 'GET',
    path: '/api/users/:id',
    tag: 'users',
    summary: 'Read a user (yourself, or any with users:read)',
    access: 'caller',
    params: UserIdParams,
    conditional: 'If-None-Match',
    responses: [ok('User found', UserView, ['ETag']), notModified],
    errors: [403, 404],
  },
  {
    method: 'PATCH',
    path: '/api/users/:id',
    tag: 'users',
    summary: 'Update a profile (name, email, age, status); If-Match with its ETag guards against lost updates',
    access: 'caller',
    params: UserIdParams,
    body: UpdateUserBody,
    bodyOptional: true,
    conditional: 'If-Match',
    responses: [ok('User updated', UserView, ['ETag'])],
    errors: [403, 404, 409, 412],
  },
  {
    method: 'DELETE',
    path: '/api/users/:id',
    tag: 'users',
    summary: 'Delete a user (soft: restorable)',
    access: 'caller',
    params: UserIdParams,
    conditional: 'If-Match',
    responses: [ok('User deleted', Deleted)],
    errors: [403, 404, 409, 412],
  },
  {
    method: 'POST',
    path: '/api/users/:id/restore',
    tag: 'users',
    summary: 'Restore a deleted user',
    access: 'caller',
    params: UserIdParams,
    responses: [ok('User restored', UserView, ['ETag'])],
    errors: [403, 404, 409],
  },
  {
    method: 'POST',
    path: '/api/users/:id/unlock',
    tag: 'users',
    summary: 'Lift a login lockout early (users:update)',
    access: 'caller',
    params: UserIdParams,
    body: EmptyBody,
    bodyOptional: true,
    responses: [ok('Account unlocked', t.type({ id: t.string, wasLocked: t.boolean, lockedUntil: t.union([IsoDateTime, t.null]) }))],
    errors: [403, 404],
  },
  {
    method: 'POST',
    path: '/api/users/:id/roles',
    tag: 'users',
    summary: 'Assign a role (roles:assign)',
    access: 'caller',
    params: UserIdParams,
    body: AssignRoleBody,
    responses: [ok('Role assigned', UserView, ['ETag'])],
    errors: [403, 404, 409],
  },
  {
    method: 'DELETE',
    path: '/api/users/:id/roles/:roleId',
    tag: 'users',
    summary: 'Unassign a role (roles:assign)',
    access: 'caller',
    params: UserRoleParams,
    responses: [ok('Role unassigned', UserView, ['ETag'])],
    errors: [403, 404, 409],
  },
  {
    method: 'POST',
    path: '/api/users/:id/roles/transfer',
    tag: 'users',
    summary: 'Replace one role of a user by another in one step (roles:assign)',
    access: 'caller',
    params: UserIdParams,
    body: TransferRoleBody,
    responses: [ok('Role transferred', UserView, ['ETag'])],
    errors: [403, 404, 409],
  },
  // --- roles
  { method: 'GET', path: '/api/roles', tag: 'roles', summary: 'List roles', access: 'caller', responses: [ok('Roles', t.readonlyArray(RoleView))], errors: [403] },
  { method: 'POST', path: '/api/roles', tag: 'roles', summary: 'Create a role (roles:create)', access: 'caller', body: CreateRoleBody, responses: [created('Role created', RoleView)], errors: [403, 409] },
  { method: 'GET', path: '/api/roles/:id', tag: 'roles', summary: 'Read a role', access: 'caller', params: RoleIdParams, responses: [ok('Role found', RoleView)], errors: [403, 404] },
  {
    method: 'PATCH',
    path: '/api/roles/:id',
    tag: 'roles',
    summary: 'Update a role (roles:update)',
    access: 'caller',
    params: RoleIdParams,
    body: UpdateRoleBody,
    bodyOptional: true,
    responses: [ok('Role updated', RoleView)],
    errors: [403, 404, 409],
  },
  { method: 'DELETE', path: '/api/roles/:id', tag: 'roles', summary: 'Delete a role that nobody holds (roles:delete)', access: 'caller', params: RoleIdParams, responses: [ok('Role deleted', Deleted)], errors: [403, 404, 409] },
  // --- API keys
  {
    method: 'POST',
    path: '/api/api-keys',
    tag: 'api-keys',
    summary: 'Issue an API key with some of your permissions (the key is shown only in this answer)',
    access: 'token',
    body: CreateApiKeyBody,
    responses: [created('API key created', CreatedApiKeyView)],
    errors: [403],
  },
  { method: 'GET', path: '/api/api-keys', tag: 'api-keys', summary: 'Your API keys (never the keys themselves)', access: 'token', responses: [ok('API keys', t.readonlyArray(ApiKeyView))], errors: [403] },
  { method: 'DELETE', path: '/api/api-keys/:id', tag: 'api-keys', summary: 'Revoke one of your API keys', access: 'token', params: KeyIdParams, responses: [ok('API key revoked', Revoked)], errors: [403, 404] },
  // --- audit
  { method: 'GET', path: '/api/audit', tag: 'audit', summary: 'The audit trail, newest first (audit:read)', access: 'caller', query: AuditQuery, responses: [ok('Audit entries', AuditPage)], errors: [403] },
  // --- jobs
  { method: 'POST', path: '/api/jobs/email', tag: 'jobs', summary: 'Queue an e-mail (jobs:create), now or at sendAt', access: 'caller', body: EmailJobBody, responses: [accepted('E-mail queued', QueuedJobView)], errors: [403] },
  { method: 'POST', path: '/api/jobs/data-processing', tag: 'jobs', summary: 'Queue a data-processing job (jobs:create)', access: 'caller', body: DataJobBody, responses: [accepted('Data processing queued', QueuedJobView)], errors: [403] },
  { method: 'GET', path: '/api/jobs/schedules', tag: 'jobs', summary: 'The repeating jobs and their next run', access: 'caller', responses: [ok('Schedules', t.readonlyArray(ScheduleView))], errors: [403] },
  { method: 'GET', path: '/api/jobs/dead-letter', tag: 'jobs', summary: 'Jobs that failed for good (jobs:manage)', access: 'caller', query: DeadLetterQuery, responses: [ok('Dead-letter queue', DeadLetterPage)], errors: [403] },
  {
    method: 'POST',
    path: '/api/jobs/dead-letter/:id/retry',
    tag: 'jobs',
    summary: 'Re-queue a dead job with high priority (jobs:manage)',
    access: 'caller',
    params: DeadLetterParams,
    responses: [accepted('Re-queued with high priority', QueuedJobView)],
    errors: [403, 404, 409],
  },
  { method: 'GET', path: '/api/jobs/:queue/:id', tag: 'jobs', summary: 'A job and its state', access: 'caller', params: JobParams, responses: [ok('Job', JobView)], errors: [403, 404] },
];

/** Routes of the routers that are not part of the API description, and why. */
export const NOT_DESCRIBED: ReadonlyArray<readonly [RegExp, string]> = [
  [/^GET \/health(\/live)?$/, 'probes for orchestrators, not part of the API'],
  [/^GET \/metrics$/, 'Prometheus text format for scrapers'],
  [/^GET \/openapi\.json$/, 'this document itself'],
  [/^GET \/docs(\/.*)?$/, 'the interactive reference (HTML and its assets)'],
  [/^[A-Z]+ \/admin(\/.*)?$/, 'operator pages (the queue dashboard), HTML for browsers'],
];

export const isDescribedElsewhere = (method: string, template: string): boolean => NOT_DESCRIBED.some(([re]) => re.test(`${method} ${template}`));
