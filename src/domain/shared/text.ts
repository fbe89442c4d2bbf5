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
