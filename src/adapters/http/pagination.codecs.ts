import * as t from 'io-ts';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type ListMeta, pagination } from '../../domain/shared/pagination';
import { IntFromQuery, oneOf } from './decode';

export const MAX_PAGE_SIZE = 100;

/** `?page&limit`: page from 1, limit 1-100 (20 when absent). */
export const PageQuery = t.partial({ page: IntFromQuery(1, 1_000_000), limit: IntFromQuery(1, MAX_PAGE_SIZE) });

export const pageOf = (q: { page?: number; limit?: number }): { page: number; limit: number } => ({ page: q.page ?? 1, limit: q.limit ?? 20 });

export const paged = <T>(items: readonly T[], total: number, page: number, limit: number) => ({ items, pagination: pagination(page, limit, total) });

/** A list page with the meta of either mode (see `listMeta`), `nextCursor` included. */
export const listPage = <T>(items: readonly T[], meta: ListMeta) => ({ items, pagination: meta });

/** `?total=true|false`: whether an offset page counts every match (true when absent). */
export const TotalFlag = oneOf(['true', 'false'] as const);

/** The longest `after` accepted: a cursor holds one sort key (at most a normalised e-mail) and an id. */
export const MAX_CURSOR_LENGTH = 1024;

/**
 * An `after` cursor as it arrives, before it is opened: the shape only (what `open` checks
 * byte for byte). Its name tells the fuzzer's codec reader to treat it as a string.
 */
export const CursorString = new t.Type<string, string, unknown>(
  `string(<=${MAX_CURSOR_LENGTH})`,
  (u): u is string => typeof u === 'string' && u.length <= MAX_CURSOR_LENGTH,
  (u, c) =>
    typeof u !== 'string'
      ? t.failure(u, c, 'must be a string')
      : u.length === 0 || u.length > MAX_CURSOR_LENGTH
        ? t.failure(u, c, 'is not a valid cursor: pass back the nextCursor of an earlier page unchanged')
        : t.success(u),
  t.identity,
);

/** How many sealed cursors `ListCursors` remembers (each a few hundred bytes at most). */
export const RECENT_CURSORS = 256;

const CURSOR = /^([\w-]{1,1000})\.([\w-]{22})$/;

/**
 * Opaque list cursors: `base64url(JSON payload).base64url(HMAC-SHA256(payload))`, the MAC cut to
 * 128 bits. Clients pass them back unchanged; one that was made up, edited or issued by a
 * deployment with another secret does not open. The payload is not secret (it holds a sort key
 * and an id the page itself showed); the MAC only makes the cursor the server's own, so its
 * format can change and nothing but a position this API handed out reaches a query.
 */
export class ListCursors {
  private readonly key: Buffer;

  /** `secret` is the deployment's server secret (JWT_SECRET); the key is derived for this use only. */
  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('nexus:list-cursor:v1').digest();
  }

  /**
   * Cursors sealed lately, by payload: a cursor is a function of its payload alone, and a popular
   * page (the first of the default listing) hands every client the same one, so its HMAC (a new
   * Hmac object per call, the largest part of a page's cursor) is computed once. First in, first
   * out past RECENT_CURSORS; nothing in it is secret (cursors go to clients as they are).
   */
  private readonly recent = new Map<string, string>();

  seal(payload: readonly unknown[]): string {
    const json = JSON.stringify(payload);
    let cursor = this.recent.get(json);
    if (cursor === undefined) {
      const body = Buffer.from(json).toString('base64url');
      cursor = `${body}.${this.mac(body)}`;
      if (this.recent.size >= RECENT_CURSORS) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(json, cursor);
    }
    return cursor;
  }

  /** The payload, or undefined when the cursor is malformed or was not sealed with this key. */
  open(cursor: string): unknown[] | undefined {
    const parts = CURSOR.exec(cursor);
    if (!parts) return undefined;
    const expected = Buffer.from(this.mac(parts[1]!));
    const given = Buffer.from(parts[2]!);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
      return Array.isArray(payload) ? payload : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 16).toString('base64url');
  }
}
