import type { Permission } from '../roles/permission';

export type AuthError =
  | { readonly _tag: 'InvalidCredentials' }
  | { readonly _tag: 'InvalidRefreshToken' }
  | { readonly _tag: 'RefreshTokenReused' }
  | { readonly _tag: 'PermissionDenied'; readonly needed: string }
  | { readonly _tag: 'CannotGrant'; readonly permissions: readonly Permission[] }
  | { readonly _tag: 'CannotManageUser'; readonly permissions: readonly Permission[] }
  | { readonly _tag: 'CsrfMismatch' }
  | { readonly _tag: 'ApiKeyCannotManageCredentials' }
  | { readonly _tag: 'AccountTokenRefused'; readonly purpose: AccountTokenPurpose; readonly reason: AccountTokenRefusal }
  | { readonly _tag: 'EmailNotVerified' }
  | { readonly _tag: 'RecentLoginRequired'; readonly withinMinutes: number }
  | { readonly _tag: 'EmailAlreadyVerified' }
  | { readonly _tag: 'AccountMailThrottled'; readonly retryAfterSeconds: number };

/** What a one-time link in an account e-mail is for. */
export type AccountTokenPurpose = 'password-reset' | 'email-verification';
/**
 * Why a one-time link was refused: nobody issued it (or it was purged), it worked once already,
 * its time ran out, it was withdrawn (a newer one was sent, or the account changed), or it was
 * sent to an address the account no longer has.
 */
export type AccountTokenRefusal = 'unknown' | 'used' | 'expired' | 'revoked' | 'email-changed';

export const invalidCredentials: AuthError = { _tag: 'InvalidCredentials' };
export const invalidRefreshToken: AuthError = { _tag: 'InvalidRefreshToken' };
export const permissionDenied = (needed: string): AuthError => ({ _tag: 'PermissionDenied', needed });
export const cannotGrant = (permissions: readonly Permission[]): AuthError => ({ _tag: 'CannotGrant', permissions });
/** The target holds permissions the actor does not: changing or deleting it would reach above the actor. */
export const cannotManageUser = (permissions: readonly Permission[]): AuthError => ({ _tag: 'CannotManageUser', permissions });
export const apiKeyCannotManageCredentials: AuthError = { _tag: 'ApiKeyCannotManageCredentials' };
export const accountTokenRefused = (purpose: AccountTokenPurpose, reason: AccountTokenRefusal): AuthError => ({ _tag: 'AccountTokenRefused', purpose, reason });
/** A correct password, but REQUIRE_VERIFIED_EMAIL is on and the address is not verified yet. */
export const emailNotVerified: AuthError = { _tag: 'EmailNotVerified' };
export const recentLoginRequired = (withinMinutes: number): AuthError => ({ _tag: 'RecentLoginRequired', withinMinutes });
export const emailAlreadyVerified: AuthError = { _tag: 'EmailAlreadyVerified' };
export const accountMailThrottled = (retryAfterSeconds: number): AuthError => ({ _tag: 'AccountMailThrottled', retryAfterSeconds });
