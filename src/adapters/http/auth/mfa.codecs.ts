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

/**
 * An object with the `required` fields and exactly one of the `alternatives`: none or both is a
 * 400 naming each alternative; anything else is refused as `strictObject` refuses it. It is an
 * io-ts union of one strict object per alternative, so tools that walk codecs (the fuzzer) see
 * the shapes it takes; its own validate gives the plainer messages.
 */
const exactlyOneOf = <P extends t.Props, O extends t.Props>(name: string, required: P, alternatives: O) => {
  const base = strictObject(name, required, alternatives);
  type A = t.TypeOf<typeof base>;
  const keys = Object.keys(alternatives);
  const members = keys.map((k) => strictObject(`${name}.${k}`, { ...required, [k]: alternatives[k]! })) as unknown as [t.Mixed, t.Mixed, ...t.Mixed[]];
  const given = (a: object) => keys.filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  return new t.UnionType<typeof members, A, unknown, unknown>(
    name,
    (u): u is A => base.is(u) && given(u).length === 1,
    (u, c) => {
      // Under an entry of the plain object, so the field paths are not taken for union indexes (decode.ts).
      const context = t.appendContext(c, '', base, u);
      const decoded = base.validate(u, context);
      if (E.isLeft(decoded) || given(decoded.right).length === 1) return decoded;
      const message = given(decoded.right).length === 0 ? `one of ${keys.join(' or ')} is required` : `give only one of ${keys.join(' or ')}`;
      return t.failures(keys.map((key) => ({ value: undefined, context: [...context, { key, type: t.never, actual: u }], message })));
    },
    t.identity,
    members,
  );
};

/** Starting an enrolment takes nothing (an empty or absent body). */
export const StartTotpBody = strictObject('StartTotpBody', {});
export const ConfirmTotpBody = strictObject('ConfirmTotpBody', { code: TotpCode });
export const DisableTotpBody = exactlyOneOf('DisableTotpBody', {}, { code: TotpCode, password: Str(MAX_PASSWORD_LENGTH) });
export const MfaLoginBody = exactlyOneOf('MfaLoginBody', { mfaToken: MfaToken }, { code: TotpCode, recoveryCode: RecoveryCode });
