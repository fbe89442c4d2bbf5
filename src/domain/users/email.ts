import * as E from 'fp-ts/Either';
import type { Brand } from '../shared/brand';

/** A normalised (trimmed, lower-cased) e-mail address; two spellings of one mailbox are equal. */
export type Email = Brand<string, 'Email'>;

// Deliberately plain: one @, a dot in the domain, no spaces. RFC 5322 allows far more, but an
// address a user can type is what we want; the mail server has the final word.
const SHAPE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

export const MAX_EMAIL_LENGTH = 254;

export const parseEmail = (input: string): E.Either<string, Email> => {
  const normalised = input.trim().toLowerCase();
  if (normalised.length === 0) return E.left('is required');
  if (normalised.length > MAX_EMAIL_LENGTH) return E.left(`must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!SHAPE.test(normalised)) return E.left('must be a valid e-mail address');
  return E.right(normalised as Email);
};
