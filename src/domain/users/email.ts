import * as E from 'fp-ts/Either';
import type { Brand } from '../shared/brand';
import { hasInvisibleCharacter, INVISIBLE_CHARACTERS } from '../shared/text';

/**
 * A normalised e-mail address: trimmed, NFKC, case-folded. Two spellings of one mailbox (any
 * case, composed or decomposed accents, compatibility look-alikes) are one key, so uniqueness
 * and login agree.
 */
export type Email = Brand<string, 'Email'>;

// Deliberately plain: one @, a dot in the domain, no spaces. RFC 5322 allows far more, but an
// address a user can type is what we want; the mail server has the final word.
const SHAPE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

export const MAX_EMAIL_LENGTH = 254;

/**
 * The key an address is stored and looked up under. NFKC makes composed and decomposed spellings
 * meet, and folds compatibility look-alikes (fullwidth `ａ`, mathematical `𝐚`, ligatures) into
 * their plain letters; lower-casing the upper case is a close, stable stand-in for Unicode case
 * folding (`ß` -> `ss`, final `ς` -> `σ`, dotless `ı` -> `i`). Look-alikes from other scripts
 * (Cyrillic `а`) stay distinct: telling those apart needs a confusables table.
 */
export const emailKey = (s: string): string => s.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');

export const parseEmail = (input: string): E.Either<string, Email> => {
  // Checked before trimming: trim() would quietly drop a leading BOM or line separator.
  if (hasInvisibleCharacter(input)) return E.left(INVISIBLE_CHARACTERS);
  const normalised = emailKey(input.trim());
  if (normalised.length === 0) return E.left('is required');
  if (normalised.length > MAX_EMAIL_LENGTH) return E.left(`must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!SHAPE.test(normalised)) return E.left('must be a valid e-mail address');
  return E.right(normalised as Email);
};
