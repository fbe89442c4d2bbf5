import type { Context } from 'koa';
import { BadInput } from './decode';
import { requestHeader, setHeader } from './middleware/headers';

/** An entity-tag as sent: `"xyz"` (strong) or `W/"xyz"` (weak); `opaque` keeps its quotes. */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

// RFC 9110, 8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text.
const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/;

/**
 * `*` or a comma-separated list of entity-tags (RFC 9110, 13.1.1 and 13.1.2), or undefined when
 * the value is neither. Empty list members are allowed, as the list syntax allows them.
 */
export const parseEntityTags = (value: string): '*' | EntityTag[] | undefined => {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const tags: EntityTag[] = [];
  let rest = trimmed;
  while (rest.length > 0) {
    if (rest.startsWith(',')) {
      rest = rest.slice(1).trimStart();
      continue;
    }
    const match = ENTITY_TAG.exec(rest);
    if (!match) return undefined;
    tags.push({ weak: match[1] !== undefined, opaque: match[2]! });
    rest = rest.slice(match[0].length).trimStart();
    if (rest.length > 0 && !rest.startsWith(',')) return undefined;
  }
  return tags.length > 0 ? tags : undefined;
};

/**
 * The request's `If-Match`: absent, `*`, or its entity-tags. A value that is not a valid list is
 * a 400 naming the header (refused before anything is written).
 */
export const ifMatchOf = (ctx: Context): '*' | EntityTag[] | undefined => {
  const value = ctx.get('If-Match');
  if (value === '') return undefined;
  const parsed = parseEntityTags(value);
  if (parsed === undefined) throw new BadInput([{ path: 'If-Match', message: 'must be * or a list of entity tags, such as "<the ETag of your last read>"' }]);
  return parsed;
};

/** Cached copies are the client's own and are checked with us before each use. */
const REVALIDATE = 'private, no-cache';

/**
 * Tags a successful read with its strong `etag` and answers `304 Not Modified`, with no body,
 * when the request's `If-None-Match` names it (weak comparison, RFC 9110 13.1.2) or is `*`.
 * Returns true when it answered; the caller then sends nothing else. A malformed
 * `If-None-Match` is ignored: the full answer is always a correct one.
 */
export const notModified = (ctx: Context, etag: string): boolean => {
  setHeader(ctx, 'ETag', etag);
  setHeader(ctx, 'Cache-Control', REVALIDATE);
  const header = requestHeader(ctx, 'if-none-match');
  if (header === '') return false;
  const tags = parseEntityTags(header);
  if (tags === undefined || (tags !== '*' && !tags.some((t) => t.opaque === etag))) return false;
  ctx.status = 304;
  ctx.body = null;
  return true;
};
