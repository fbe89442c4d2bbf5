import { MAX_PASSWORD_LENGTH } from '../../../domain/auth/password-policy';
import { Str, strictObject } from '../decode';
import { EmailString } from './auth.codecs';

/**
 * The token from an account link (43 base64url characters as issued). Any string up to the
 * limit is taken: a wrong one is the use case's "not valid" (a failed credential check that
 * counts toward the auth limit), not a shape error.
 */
const Token = Str(128);
const Password = Str(MAX_PASSWORD_LENGTH);

export const ForgotPasswordBody = strictObject('ForgotPasswordBody', { email: EmailString });
export const ResetPasswordBody = strictObject('ResetPasswordBody', { token: Token, newPassword: Password });
export const VerifyEmailBody = strictObject('VerifyEmailBody', { token: Token });
/** Re-sending the verification link takes no input: an empty or absent body; any field is refused by name. */
export const ResendVerificationBody = strictObject('ResendVerificationBody', {});
