import * as t from 'io-ts';
import { AUDIT_ACTIONS } from '../../src/domain/audit/audit-entry';
import { JOB_PRIORITIES } from '../../src/domain/jobs/job';
import { EmailString } from '../../src/adapters/http/auth/auth.codecs';
import { DateTimeString, ObjectIdString, oneOf, Str, strictObject } from '../../src/adapters/http/decode';
import { PageQuery } from '../../src/adapters/http/pagination.codecs';
import { PermissionBody } from '../../src/adapters/http/permission.codec';

/*
 * Copies of the codecs that roles.routes.ts, api-keys.routes.ts, audit.routes.ts and
 * jobs.routes.ts keep private (module constants, not exported), built from the same exported
 * parts. When those routes files export their codecs (or move them to *.codecs.ts), import them
 * in route-codecs.ts and delete this file. If a copy drifts from its original, the fuzz suite's
 * "gets past validation" check for that route fails, which points here.
 */

export const CreateRoleBody = strictObject('CreateRoleBody', { name: Str(40), permissions: t.array(PermissionBody) }, { description: Str(500) });
export const UpdateRoleBody = strictObject('UpdateRoleBody', {}, { name: Str(40), permissions: t.array(PermissionBody), description: Str(500) });
export const RoleIdParams = t.type({ id: ObjectIdString });

export const CreateApiKeyBody = strictObject('CreateApiKeyBody', { name: Str(100), permissions: t.array(PermissionBody) }, { expiresAt: t.union([DateTimeString, t.null]) });
export const KeyIdParams = t.type({ id: ObjectIdString });

export const AuditQuery = strictObject('AuditQuery', {}, { ...PageQuery.props, actorId: ObjectIdString, action: oneOf(AUDIT_ACTIONS) });

export const EmailJobBody = strictObject('EmailJobBody', { to: EmailString, subject: Str(200), body: Str(50_000) }, { priority: oneOf(JOB_PRIORITIES), sendAt: DateTimeString });
export const DataJobBody = strictObject('DataJobBody', { items: t.array(t.unknown) });
export const JobParams = t.type({ queue: Str(40), id: Str(200) });
export const DeadLetterParams = t.type({ id: Str(200) });
export const DeadLetterQuery = strictObject('DeadLetterQuery', {}, PageQuery.props);
