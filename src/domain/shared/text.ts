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

/**
 * Characters that show nothing, or change how the text around them is shown: controls (C0, DEL,
 * C1), format characters (zero-width, bidi overrides and isolates, soft hyphen, tags), line and
 * paragraph separators, every default-ignorable code point (variation selectors, Hangul fillers,
 * the combining grapheme joiner), private-use, unassigned code points and lone surrogates. In an
 * identity they make a twin that looks like someone else.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}\p{Default_Ignorable_Code_Point}]/u;

export const INVISIBLE_CHARACTERS = 'must not contain control, format or invisible characters';

export const hasInvisibleCharacter = (s: string): boolean => INVISIBLE.test(s);

/** A letter, digit, punctuation or symbol that is not blank: something a reader can see. */
export const hasVisibleCharacter = (s: string): boolean => /[\p{L}\p{N}\p{P}\p{S}]/u.test(s.replace(/[\u2800]/g, ''));
