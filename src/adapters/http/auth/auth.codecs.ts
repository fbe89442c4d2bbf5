import * as t from 'io-ts';
import { MAX_PASSWORD_LENGTH } from '../../../domain/auth/password-policy';
import { MAX_AGE, parseName } from '../../../domain/users/user';
import { parseEmail } from '../../../domain/users/email';
import { Int, parsedString, Str, strictObject } from '../decode';

// The domain's own rules (invisible characters refused, NFC, case-folded), so they live in one place.
export const EmailString = parsedString('Email', parseEmail);
export const NameString = parsedString('Name', parseName);
const Password = Str(MAX_PASSWORD_LENGTH);

export const RegisterBody = strictObject('RegisterBody', { name: NameString, email: EmailString, password: Password }, { age: t.union([Int(0, MAX_AGE), t.null]) });
// Login takes any string as the e-mail: a malformed one is just another failed login (same 401).
export const LoginBody = strictObject('LoginBody', { email: Str(320), password: Password });
export const RefreshBody = strictObject('RefreshBody', {}, { refreshToken: Str(200) });
export const ChangePasswordBody = strictObject('ChangePasswordBody', { currentPassword: Password, newPassword: Password });
