import type { Permission } from '../roles/permission';

export type AuthError =
  | { readonly _tag: 'InvalidCredentials' }
  | { readonly _tag: 'InvalidRefreshToken' }
  | { readonly _tag: 'RefreshTokenReused' }
  | { readonly _tag: 'PermissionDenied'; readonly needed: string }
  | { readonly _tag: 'CannotGrant'; readonly permissions: readonly Permission[] }
  | { readonly _tag: 'CsrfMismatch' }
  | { readonly _tag: 'ApiKeyCannotManageCredentials' };

export const invalidCredentials: AuthError = { _tag: 'InvalidCredentials' };
export const invalidRefreshToken: AuthError = { _tag: 'InvalidRefreshToken' };
export const permissionDenied = (needed: string): AuthError => ({ _tag: 'PermissionDenied', needed });
export const cannotGrant = (permissions: readonly Permission[]): AuthError => ({ _tag: 'CannotGrant', permissions });
export const apiKeyCannotManageCredentials: AuthError = { _tag: 'ApiKeyCannotManageCredentials' };
