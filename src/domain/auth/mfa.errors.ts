/** What the multi-factor routes refuse, besides bad input (ValidationFailed) and API keys. */
export type MfaError =
  | { readonly _tag: 'MfaAlreadyEnabled' }
  | { readonly _tag: 'MfaNotEnabled' }
  | { readonly _tag: 'MfaEnrolmentNotPending' }
  /** The `mfaToken` of a login is unknown, expired or already exchanged. */
  | { readonly _tag: 'MfaTokenInvalid' }
  /** The second factor of a login was wrong, replayed or already used. */
  | { readonly _tag: 'MfaCodeInvalid'; readonly path: 'code' | 'recoveryCode' };

export const mfaAlreadyEnabled: MfaError = { _tag: 'MfaAlreadyEnabled' };
export const mfaNotEnabled: MfaError = { _tag: 'MfaNotEnabled' };
export const mfaEnrolmentNotPending: MfaError = { _tag: 'MfaEnrolmentNotPending' };
export const mfaTokenInvalid: MfaError = { _tag: 'MfaTokenInvalid' };
export const mfaCodeInvalid = (path: 'code' | 'recoveryCode'): MfaError => ({ _tag: 'MfaCodeInvalid', path });
