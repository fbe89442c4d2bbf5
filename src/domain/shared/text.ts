/**
 * Free text that came from a client: tags are removed (we never render HTML, but the people
 * who read our data might), control characters dropped, white space folded and trimmed.
 */
export const cleanText = (s: string): string =>
  s
    .replace(/<[^>]*>?/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

import * as E from 'fp-ts/Either';

/**
 * Characters that show nothing, or change how the text around them is shown: controls (C0, DEL,
 * C1), format characters (zero-width, bidi overrides and isolates, soft hyphen, tags), line and
 * paragraph separators, every default-ignorable code point (variation selectors, Hangul fillers,
 * the combining grapheme joiner), private-use, unassigned code points and lone surrogates; and
 * placeholders that stand for something else (the object replacement character U+FFFC, the
 * replacement character U+FFFD) or fill space like a Hangul filler does without being listed as
 * ignorable (the Khitan small script filler U+16FE4). In an identity they make a twin that looks
 * like someone else.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}\p{Default_Ignorable_Code_Point}\u{FFFC}\u{FFFD}]|\u{16FE4}/u;

export const INVISIBLE_CHARACTERS = 'must not contain control, format or invisible characters';

export const hasInvisibleCharacter = (s: string): boolean => INVISIBLE.test(s);

/** A letter, digit, punctuation or symbol that is not blank: something a reader can see. */
export const hasVisibleCharacter = (s: string): boolean => /[\p{L}\p{N}\p{P}\p{S}]/u.test(s.replace(/[\u2800]/g, ''));

/**
 * A short name people tell things apart by (an API key's name): the identity rule (no control,
 * format or invisible characters), tags stripped, white space folded, something visible.
 */
export const parseLabel = (raw: string, max: number): E.Either<string, string> => {
  if (hasInvisibleCharacter(raw)) return E.left(INVISIBLE_CHARACTERS);
  const label = cleanText(raw).normalize('NFC');
  if (label.length === 0) return E.left('is required');
  if (!hasVisibleCharacter(label)) return E.left('must contain a visible character');
  if (label.length > max) return E.left(`must be at most ${max} characters`);
  return E.right(label);
};

/**
 * Free text that describes something (a role's description): may be empty and may hold line
 * breaks and tabs (folded into spaces, as people paste paragraphs), but no other control, format
 * or invisible character. Cut at `max`.
 */
export const parseDescription = (raw: string, max: number): E.Either<string, string> =>
  hasInvisibleCharacter(raw.replace(/[\t\n\r]/g, ' ')) ? E.left(INVISIBLE_CHARACTERS) : E.right(cleanText(raw).normalize('NFC').slice(0, max));
