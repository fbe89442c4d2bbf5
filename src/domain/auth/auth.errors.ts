import type { Permission } from '../roles/permission';

export type AuthError =
  | { readonly _tag: 'InvalidCredentials' }
  | { readonly _tag: 'InvalidRefreshToken' }
  | { readonly _tag: 'RefreshTokenReused' }
  | { readonly _tag: 'PermissionDenied'; readonly needed: string }
  | { readonly _tag: 'CannotGrant'; readonly permissions: readonly Permission[] }
  | { readonly _tag: 'CannotManageUser'; readonly permissions: readonly Permission[] }
  | { readonly _tag: 'CsrfMismatch' }
  | { readonly _tag: 'ApiKeyCannotManageCredentials' };

export const invalidCredentials: AuthError = { _tag: 'InvalidCredentials' };
export const invalidRefreshToken: AuthError = { _tag: 'InvalidRefreshToken' };
export const permissionDenied = (needed: string): AuthError => ({ _tag: 'PermissionDenied', needed });
export const cannotGrant = (permissions: readonly Permission[]): AuthError => ({ _tag: 'CannotGrant', permissions });
/** The target holds permissions the actor does not: changing or deleting it would reach above the actor. */
export const cannotManageUser = (permissions: readonly Permission[]): AuthError => ({ _tag: 'CannotManageUser', permissions });
export const apiKeyCannotManageCredentials: AuthError = { _tag: 'ApiKeyCannotManageCredentials' };
