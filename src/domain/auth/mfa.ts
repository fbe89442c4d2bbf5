import * as E from 'fp-ts/Either';

/** How long the `mfaToken` of a password-verified login may be exchanged for a session. */
export const MFA_TOKEN_TTL_SECONDS = 300;
/** How many recovery codes confirming TOTP hands out (shown once). */
export const RECOVERY_CODE_COUNT = 10;
/** Random bytes per recovery code: 80 bits, 16 base32 characters. */
export const RECOVERY_CODE_BYTES = 10;
/** TOTP (RFC 6238) as every authenticator app reads it by default. */
export const TOTP = { algorithm: 'SHA1', digits: 6, periodSeconds: 30, issuer: 'Nexus', window: 1 } as const;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, no padding. */
export const base32 = (bytes: Uint8Array): string => {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
};

/** A recovery code as people are shown it: base32 in groups of four (`ABCD-EFGH-JKLM-NPQR`). */
export const formatRecoveryCode = (bytes: Uint8Array): string => base32(bytes).match(/.{1,4}/g)!.join('-');

/**
 * A typed recovery code in its one canonical spelling (upper case, no separators, `0`/`1`/`8`
 * read as the letters they are mistaken for), or Left when it cannot be one.
 */
export const normaliseRecoveryCode = (typed: string): E.Either<string, string> => {
  const plain = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/0/g, 'O')
    .replace(/1/g, 'I')
    .replace(/8/g, 'B');
  return /^[A-Z2-7]{16}$/.test(plain) ? E.right(plain) : E.left('is not a recovery code');
};

/** A TOTP code as typed: six digits (spaces between them are forgiven). */
export const normaliseTotpCode = (typed: string): E.Either<string, string> => {
  const plain = typed.replace(/\s/g, '');
  return /^\d{6}$/.test(plain) ? E.right(plain) : E.left('must be the 6-digit code of your authenticator app');
};
