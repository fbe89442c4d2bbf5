import type { Middleware } from 'koa';
import { replyError } from '../envelope';

// Characters that never need percent-encoding in a path (RFC 3986 unreserved), plus the ones
// that would change how the path splits into segments: an escape of one of these is a second
// spelling of a path, so it is refused rather than decoded.
const NEEDLESSLY_ENCODED = /%(?:[46][1-9a-fA-F]|[57][0-9aA]|3[0-9]|2[dDeEfF]|5[cCfF]|7[eE])/;
// Control characters, encoded.
const ENCODED_CONTROL = /%(?:[01][0-9a-fA-F]|7[fF])/;
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
// What may appear raw in a path: RFC 3986 pchar and "/", nothing else (no "\", no spaces, no bytes above 0x7e).
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

// The spelling nearly every request has, accepted in one test: one or more "/"-led segments of
// raw path characters, no "%" at all (so no escape to check or decode), none of them "." or "..".
// Anything else (an escape, "/" alone, an empty, dot or trailing segment) takes the checks below.
const PLAIN_SEGMENTS = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,;=:@]+)+$/;

/** Why `path` is not the one canonical spelling of itself, or undefined when it is. */
export const nonCanonical = (path: string): string | undefined => (PLAIN_SEGMENTS.test(path) ? undefined : byEveryRule(path));

/** The same answer, from every rule in turn, without the one-test shortcut (exported for its test). */
export const byEveryRule = (path: string): string | undefined => {
  if (!path.startsWith('/')) return 'must start with "/"';
  if (!PATH_CHARS.test(path)) return 'has characters that must be percent-encoded';
  if (BAD_ESCAPE.test(path)) return 'has a "%" that is not followed by two hex digits';
  if (NEEDLESSLY_ENCODED.test(path)) return 'percent-encodes a letter, a digit, "-", ".", "_", "~", "/" or "\\"; send it unencoded';
  if (ENCODED_CONTROL.test(path)) return 'has an encoded control character';
  try {
    decodeURIComponent(path);
  } catch {
    return 'has an escape that is not valid UTF-8';
  }
  if (path === '/') return undefined;
  const segments = path.slice(1).split('/');
  if (segments.at(-1) === '') return 'has a trailing "/"';
  if (segments.includes('')) return 'has an empty segment ("//")';
  if (segments.some((s) => s === '.' || s === '..')) return 'has a "." or ".." segment';
  return undefined;
};

/**
 * One spelling per route: a path with a trailing slash, `//`, `.` or `..` segments, a needless or
 * malformed escape is refused with 400 before it is routed or rate limited. Routes are
 * case-sensitive, so a shouted path matches nothing (404). Together with limits keyed on the
 * matched route, no spelling of a path reaches a route around its limits.
 */
export const canonicalPath = (): Middleware => (ctx, next) => {
  const problem = nonCanonical(ctx.path);
  if (problem === undefined) return next();
  replyError(ctx, 400, 'The path is not in canonical form', [{ path: 'path', message: problem }]);
  return Promise.resolve();
};
