import * as t from 'io-ts';
import { AUDIT_ACTIONS } from '../../../domain/audit/audit-entry';
import { QUEUE_NAMES } from '../../../domain/jobs/job';
import { USER_STATUSES } from '../../../domain/users/user';
import { oneOf } from '../decode';
import { annotate } from './json-schema';

/*
 * What the API answers, as io-ts codecs: the presenters are typed with them (`t.TypeOf<...>`),
 * so a field added to a presenter and not here (or the reverse) fails the build, and the OpenAPI
 * document is built from them. They describe; nothing decodes responses at run time.
 */

const isIso = (u: unknown): u is string => typeof u === 'string' && !Number.isNaN(Date.parse(u));

/** `Date#toISOString()` output. */
export const IsoDateTime = annotate(new t.Type<string, string, unknown>('IsoDateTime', isIso, (u, c) => (isIso(u) ? t.success(u) : t.failure(u, c)), t.identity), {
  type: 'string',
  format: 'date-time',
});
export const Id = annotate(new t.Type<string, string, unknown>('Id', (u): u is string => typeof u === 'string', (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c)), t.identity), {
  type: 'string',
  pattern: '^[0-9a-f]{24}$',
});
/** A count, an age, a number of seconds: a whole number, never negative. */
const isCount = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0;
export const Count = annotate(new t.Type<number, number, unknown>('Count', isCount, (u, c) => (isCount(u) ? t.success(u) : t.failure(u, c)), t.identity), {
  type: 'integer',
  minimum: 0,
});
const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null]);

export const PermissionView = t.type({ resource: t.string, action: t.string }, 'Permission');
export type PermissionView = t.TypeOf<typeof PermissionView>;

export const UserView = t.type(
  {
    id: Id,
    name: t.string,
    email: t.string,
    emailVerified: t.boolean,
    emailVerifiedAt: nullable(IsoDateTime),
    age: nullable(Count),
    status: oneOf(USER_STATUSES),
    roleIds: t.readonlyArray(Id),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  },
  'User',
);
export type UserView = t.TypeOf<typeof UserView>;

export const RoleView = t.type(
  {
    id: Id,
    name: t.string,
    description: t.string,
    permissions: t.readonlyArray(PermissionView),
    system: t.boolean,
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  },
  'Role',
);
export type RoleView = t.TypeOf<typeof RoleView>;

export const ApiKeyView = t.type(
  {
    id: Id,
    name: t.string,
    prefix: t.string,
    permissions: t.readonlyArray(PermissionView),
    createdAt: IsoDateTime,
    expiresAt: nullable(IsoDateTime),
    lastUsedAt: nullable(IsoDateTime),
    revokedAt: nullable(IsoDateTime),
  },
  'ApiKey',
);
export type ApiKeyView = t.TypeOf<typeof ApiKeyView>;

export const AuditEntryView = t.intersection(
  [
    t.type({
      id: t.string,
      actorId: t.union([t.string, t.null]),
      action: oneOf(AUDIT_ACTIONS),
      target: t.type({ type: t.string, id: t.union([t.string, t.null]) }),
      requestId: t.union([t.string, t.null]),
      at: IsoDateTime,
    }),
    t.partial({ before: t.unknown, after: t.unknown }),
  ],
  'AuditEntry',
);
export type AuditEntryView = t.TypeOf<typeof AuditEntryView>;

export const SessionView = t.type(
  {
    id: t.string,
    createdAt: IsoDateTime,
    lastUsedAt: IsoDateTime,
    userAgent: t.union([t.string, t.null]),
    ip: t.union([t.string, t.null]),
    current: t.boolean,
  },
  'Session',
);
export type SessionView = t.TypeOf<typeof SessionView>;

const JOB_STATES = ['pending', 'scheduled', 'processing', 'completed', 'failed', 'dead'] as const;

export const JobView = t.intersection(
  [
    t.type({
      id: t.string,
      queue: oneOf(QUEUE_NAMES),
      name: t.string,
      state: oneOf(JOB_STATES),
      progress: t.number,
      attemptsMade: Count,
      data: t.unknown,
      createdAt: IsoDateTime,
    }),
    // `result` when completed, `failedReason` when failed or dead.
    t.partial({ result: t.unknown, failedReason: t.string }),
  ],
  'Job',
);
export type JobView = t.TypeOf<typeof JobView>;

/** Page metadata of offset lists (audit, dead letters). */
export const PaginationView = t.type(
  { currentPage: Count, totalPages: Count, totalItems: Count, itemsPerPage: Count, hasNextPage: t.boolean, hasPrevPage: t.boolean },
  'Pagination',
);
/** Page metadata of the user list: offset or cursor mode (see domain/shared/pagination.ts). */
export const ListMetaView = t.type(
  {
    currentPage: nullable(Count),
    totalPages: nullable(Count),
    totalItems: nullable(Count),
    itemsPerPage: Count,
    hasNextPage: t.boolean,
    hasPrevPage: nullable(t.boolean),
    nextCursor: nullable(t.string),
  },
  'ListMeta',
);

export const pageOf = <C extends t.Mixed>(item: C, name: string) => t.type({ items: t.readonlyArray(item), pagination: PaginationView }, name);
export const UserListPage = t.type({ items: t.readonlyArray(UserView), pagination: ListMetaView }, 'UserListPage');
export const AuditPage = pageOf(AuditEntryView, 'AuditPage');
export const DeadLetterPage = pageOf(JobView, 'DeadLetterPage');

export const TokenPairView = t.type(
  { accessToken: t.string, refreshToken: t.string, tokenType: t.literal('Bearer'), expiresIn: Count, refreshExpiresIn: Count },
  'TokenPair',
);
export const LoginView = t.type({ ...TokenPairView.props, user: UserView }, 'LoginResult');
export const MfaChallengeView = t.type({ mfaRequired: t.literal(true), mfaToken: t.string, mfaExpiresIn: Count }, 'MfaChallenge');

export const MeView = t.type(
  {
    user: UserView,
    roles: t.readonlyArray(RoleView),
    permissions: t.readonlyArray(PermissionView),
    via: oneOf(['token', 'api-key', 'system'] as const),
    mfaEnabled: t.boolean,
  },
  'Me',
);

export const RoleStatsView = t.type(
  { role: t.string, totalUsers: Count, averageAge: nullable(t.number), users: t.readonlyArray(t.type({ name: t.string, email: t.string })) },
  'RoleStats',
);
export const ScheduleView = t.type(
  { id: t.string, queue: oneOf(QUEUE_NAMES), name: t.string, pattern: t.string, timeZone: t.string, next: nullable(IsoDateTime) },
  'Schedule',
);
export const QueuedJobView = t.type({ jobId: t.string, queue: oneOf(QUEUE_NAMES) }, 'QueuedJob');
export const CreatedApiKeyView = t.type({ key: t.string, apiKey: ApiKeyView }, 'CreatedApiKey');
export const TotpEnrolmentView = t.type({ secret: t.string, otpauthUrl: t.string }, 'TotpEnrolment');
export const RecoveryCodesView = t.type({ recoveryCodes: t.readonlyArray(t.string) }, 'RecoveryCodes');
export const EndedSessionsView = t.type({ ended: Count }, 'EndedSessions');

/** The error envelope of every failure (see envelope.ts). */
export const FieldErrorView = t.type({ path: t.string, message: t.string }, 'FieldError');
export const ErrorEnvelope = t.intersection(
  [
    // requestId: the X-Request-ID of the answer (the one place a failure can be traced by in the logs).
    t.type({ success: t.literal(false), statusCode: t.number, message: t.string, requestId: t.string }),
    t.partial({ errors: t.readonlyArray(FieldErrorView) }),
  ],
  'ErrorEnvelope',
);

/** Components of the document: each is written once under #/components/schemas and referenced. */
export const COMPONENTS: ReadonlyArray<readonly [t.Mixed, string]> = [
  [PermissionView, 'Permission'],
  [UserView, 'User'],
  [RoleView, 'Role'],
  [ApiKeyView, 'ApiKey'],
  [AuditEntryView, 'AuditEntry'],
  [SessionView, 'Session'],
  [JobView, 'Job'],
  [PaginationView, 'Pagination'],
  [ListMetaView, 'ListMeta'],
  [TokenPairView, 'TokenPair'],
  [FieldErrorView, 'FieldError'],
  [ErrorEnvelope, 'ErrorEnvelope'],
];
