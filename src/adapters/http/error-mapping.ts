import type { ApiKeyError } from '../../domain/api-keys/api-key';
import type { AccountTokenPurpose, AccountTokenRefusal, AuthError } from '../../domain/auth/auth.errors';
import type { SessionError } from '../../domain/auth/session';
import type { MfaError } from '../../domain/auth/mfa.errors';
import type { JobError } from '../../domain/jobs/job';
import { permissionKey } from '../../domain/roles/permission';
import type { RoleError } from '../../domain/roles/role.errors';
import type { FieldError, ValidationFailed } from '../../domain/shared/field-error';
import type { UserError } from '../../domain/users/user.errors';

/** Every expected failure a use case can return. Adding a tag without a case below fails the build. */
export type AppError = ValidationFailed | UserError | AuthError | SessionError | MfaError | RoleError | ApiKeyError | JobError;

export interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly errors?: readonly FieldError[];
}

const LINK_NAMES: Record<AccountTokenPurpose, string> = { 'password-reset': 'password-reset link', 'email-verification': 'verification link' };
/** Why a one-time link was refused, as the `token` field's message (after "This ... link"). */
const TOKEN_REFUSALS: Record<AccountTokenRefusal, string> = {
  'unknown': 'is not valid; ask for a new one',
  'used': 'has already been used; ask for a new one',
  'expired': 'has expired; ask for a new one',
  'revoked': 'is no longer valid: a newer one was sent, or the account changed; use the latest one',
  'email-changed': 'was sent to an address this account no longer has',
};

export const toHttpFailure = (error: AppError): HttpFailure => {
  switch (error._tag) {
    case 'ValidationFailed':
      return { status: 400, message: 'The request is not valid', errors: error.errors };
    case 'UserNotFound':
      return { status: 404, message: 'User not found' };
    case 'EmailAlreadyInUse':
      return { status: 409, message: 'That email is already in use', errors: [{ path: 'email', message: 'is already in use' }] };
    case 'ConcurrentModification':
      return { status: 409, message: 'The user was changed by someone else; read it again and retry' };
    case 'UserVersionMismatch':
      return {
        status: 412,
        message: 'The user has changed since the version you sent in If-Match; read it again and retry with its new ETag',
        errors: [{ path: 'If-Match', message: 'does not match the current ETag' }],
      };
    case 'InvalidCredentials':
      return { status: 401, message: 'Invalid email or password' };
    case 'InvalidRefreshToken':
      return { status: 401, message: 'The refresh token is invalid or expired' };
    case 'RefreshTokenReused':
      return { status: 401, message: 'This refresh token was already used; every session of this login has been revoked' };
    case 'PermissionDenied':
      return { status: 403, message: `You need the ${error.needed} permission` };
    case 'CannotGrant':
      return {
        status: 403,
        message: 'You cannot grant permissions you do not hold',
        errors: error.permissions.map((p) => ({ path: 'permissions', message: `${permissionKey(p)} is beyond your own permissions` })),
      };
    case 'CannotManageUser':
      return {
        status: 403,
        message: `This user holds permissions you do not (${error.permissions.map(permissionKey).join(', ')}); only someone who holds them can change or delete this user`,
      };
    case 'ApiKeyCannotManageCredentials':
      return { status: 403, message: 'An API key cannot manage credentials (API keys, password, sessions, MFA); sign in with your password to do that' };
    case 'AccountTokenRefused':
      return { status: 400, message: `This ${LINK_NAMES[error.purpose]} ${TOKEN_REFUSALS[error.reason]}`, errors: [{ path: 'token', message: TOKEN_REFUSALS[error.reason] }] };
    case 'EmailNotVerified':
      return { status: 403, message: 'Your e-mail address is not verified yet: open the link in the verification e-mail (POST /api/auth/email/verification sends a new one once you are signed in), then log in again' };
    case 'RecentLoginRequired':
      return { status: 403, message: `Log in again to change two-factor settings: this session began more than ${error.withinMinutes} minutes ago` };
    case 'EmailAlreadyVerified':
      return { status: 409, message: 'Your e-mail address is already verified' };
    case 'AccountMailThrottled':
      return { status: 429, message: `An e-mail was sent a moment ago; try again in ${error.retryAfterSeconds} s` };
    case 'CsrfMismatch':
      return { status: 403, message: 'The X-CSRF-Token header must match the csrf cookie (GET /api/csrf-token)' };
    case 'MfaAlreadyEnabled':
      return { status: 409, message: 'Two-factor login (TOTP) is already on; turn it off first to enrol again' };
    case 'MfaNotEnabled':
      return { status: 409, message: 'Two-factor login (TOTP) is not on' };
    case 'MfaEnrolmentNotPending':
      return { status: 409, message: 'No TOTP enrolment is pending; start one with POST /api/auth/mfa/totp' };
    case 'MfaTokenInvalid':
      return { status: 401, message: 'The MFA token is invalid, expired or already used; log in again' };
    case 'MfaCodeInvalid':
      return { status: 401, message: 'The second factor is not valid', errors: [{ path: error.path, message: error.path === 'code' ? 'is not a valid code (or was already used)' : 'is not a valid recovery code (or was already used)' }] };
    case 'RoleNotFound':
      return { status: 404, message: 'Role not found' };
    case 'RoleNameTaken':
      return { status: 409, message: 'A role with that name exists', errors: [{ path: 'name', message: 'is already in use' }] };
    case 'RoleInUse':
      return { status: 409, message: `The role is still assigned to ${error.users} user(s); unassign it first` };
    case 'SystemRoleProtected':
      return { status: 409, message: `The ${error.name} role is built in and cannot be deleted` };
    case 'RoleNotAssigned':
      return { status: 409, message: 'The user does not have that role' };
    case 'RoleAlreadyAssigned':
      return { status: 409, message: 'The user already has that role' };
    case 'RoleChanged':
      return { status: 409, message: 'The role was changed by someone else; read it again and retry' };
    case 'LastSuperuser':
      return { status: 409, message: 'This would leave nobody holding *:* (every permission), and nobody could grant it back; give it to another active user first' };
    case 'SuperuserChangeBusy':
      return { status: 409, message: 'Another change to who holds *:* is in progress; retry in a moment' };
    case 'BuiltInRoleFrozen':
      return { status: 409, message: `The ${error.name} role is built in and cannot be changed` };
    case 'BuiltInRoleNeedsSuperuser':
      return { status: 403, message: `The ${error.name} role is built-in: only a holder of *:* can change it` };
    case 'SessionNotFound':
      return { status: 404, message: 'Session not found' };
    case 'ApiKeyNotFound':
      return { status: 404, message: 'API key not found' };
    case 'QueueNotFound':
      return { status: 404, message: `No queue called ${error.queue}` };
    case 'JobNotFound':
      return { status: 404, message: 'Job not found' };
    case 'JobBusy':
      return { status: 409, message: 'This job is already being retried' };
  }
};
