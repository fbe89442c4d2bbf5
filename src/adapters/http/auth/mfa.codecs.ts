import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { normaliseTotpCode } from '../../../domain/auth/mfa';
import { MAX_PASSWORD_LENGTH } from '../../../domain/auth/password-policy';
import { parsedString, Str, strictObject } from '../decode';

/** Six digits (spaces forgiven): anything else is a 400 naming the field, before any check. */
export const TotpCode = parsedString('TotpCode', normaliseTotpCode);
/** Any spelling of a recovery code is looked up (a wrong one is a failed login, not bad input). */
const RecoveryCode = Str(64);
/** What `POST /api/auth/login` answered with TOTP on: 32 random bytes, base64url. */
const MfaToken = Str(200);

/** `codec`, holding exactly one of `keys`: none or both is a 400 naming each of them. */
const exactlyOneOf = <A extends object>(codec: t.Type<A, unknown, unknown>, keys: readonly (keyof A & string)[]) =>
  new t.Type<A, unknown, unknown>(
    codec.name,
    (u): u is A => codec.is(u) && keys.filter((k) => u[k] !== undefined).length === 1,
    (u, c) => {
      const decoded = codec.validate(u, c);
      if (E.isLeft(decoded)) return decoded;
      const given = keys.filter((k) => decoded.right[k] !== undefined);
      if (given.length === 1) return decoded;
      const message = given.length === 0 ? `one of ${keys.join(' or ')} is required` : `give only one of ${keys.join(' or ')}`;
      return t.failures(keys.map((key) => ({ value: undefined, context: [...c, { key, type: t.never, actual: u }], message })));
    },
    t.identity,
  );

/** Starting an enrolment takes nothing (an empty or absent body). */
export const StartTotpBody = strictObject('StartTotpBody', {});
export const ConfirmTotpBody = strictObject('ConfirmTotpBody', { code: TotpCode });
export const DisableTotpBody = exactlyOneOf(strictObject('DisableTotpBody', {}, { code: TotpCode, password: Str(MAX_PASSWORD_LENGTH) }), ['code', 'password']);
export const MfaLoginBody = exactlyOneOf(strictObject('MfaLoginBody', { mfaToken: MfaToken }, { code: TotpCode, recoveryCode: RecoveryCode }), ['code', 'recoveryCode']);
