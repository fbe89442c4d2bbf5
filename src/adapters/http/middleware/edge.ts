import cors from '@koa/cors';
import type { Middleware } from 'koa';
import compress from 'koa-compress';
import helmet from 'koa-helmet';
import { constants } from 'node:zlib';
import { requestHeader } from './headers';

/**
 * Headers for a JSON API that no browser should render, frame or sniff: a deny-all content
 * security policy, no framing, no referrer, HSTS.
 *
 * They are the same for every request, so helmet runs once, here, against a recording response,
 * and each request only replays what it set and removed (helmet would otherwise rebuild the
 * policy string and walk its dozen middlewares per request).
 */
export const securityHeaders = (): Middleware => {
  const helmetMiddleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  }) as unknown as (ctx: { req: unknown; res: unknown }, next: () => Promise<void>) => Promise<void>;
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
    getHeader: () => undefined,
    hasHeader: () => false,
  };
  // helmet sets every header synchronously, before it calls on.
  void helmetMiddleware({ req: { headers: {}, method: 'GET', url: '/' }, res: recorder }, () => Promise.resolve());
  if (set.length === 0) throw new Error('helmet set no header while recording: the security headers cannot be precomputed');
  return (ctx, next) => {
    const { res } = ctx;
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    return next();
  };
};

/**
 * CORS for the listed origins only; others get no CORS headers, so browsers refuse them. A
 * request without an allowed Origin (every non-browser client) only gets `Vary: Origin`, without
 * going through @koa/cors.
 */
export const corsFor = (origins: readonly string[]): Middleware => {
  const allowed = new Set(origins);
  const handler = cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    credentials: true,
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    // If-Match / If-None-Match: conditional requests on users (a browser pre-flights them).
    allowHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-CSRF-Token', 'X-Request-ID', 'If-Match', 'If-None-Match'],
    // ETag: without it listed, a browser's script cannot read a response's ETag to send it back.
    exposeHeaders: ['X-Request-ID', 'ETag', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'],
    maxAge: 600,
  });
  return (ctx, next) => {
    if (allowed.has(requestHeader(ctx, 'origin'))) return handler(ctx, next);
    // What @koa/cors does for an origin it does not allow: vary, and nothing else.
    ctx.vary('Origin');
    return next();
  };
};

const COMPRESS_THRESHOLD = 1024;
const downstreamDone = (): Promise<void> => Promise.resolve();

/** A body Koa would answer with `JSON.stringify` (a plain object or array, not a stream, buffer or blob). */
const isJsonBody = (body: unknown): body is object => {
  if (body === null || typeof body !== 'object') return false;
  if (Array.isArray(body)) return true;
  const proto = Object.getPrototypeOf(body) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * gzip or brotli for bodies over 1 KB, unless the client sends `x-no-compression`.
 *
 * Per request it does only what the answer needs: a JSON body is serialised once, here (Koa would
 * serialise it again to send it, and koa-compress once more just to learn its length), and the
 * Accept-Encoding negotiation and koa-compress run only for a body over the threshold or of
 * unknown length (a stream). A small answer costs a length check and the `Vary` header.
 */
export const compression = (): Middleware => {
  const compressor = compress({
    threshold: COMPRESS_THRESHOLD,
    gzip: { flush: constants.Z_SYNC_FLUSH },
    br: { flush: constants.BROTLI_OPERATION_FLUSH, params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    deflate: false,
  });
  return async (ctx, next) => {
    await next();
    if (isJsonBody(ctx.body)) ctx.body = JSON.stringify(ctx.body);
    const size = ctx.response.length;
    if (size !== undefined && size < COMPRESS_THRESHOLD) {
      ctx.vary('Accept-Encoding');
      return;
    }
    // Also when the client accepts no encoding at all (`*;q=0`): koa-compress would then set an
    // undefined Content-Encoding and fail; an uncompressed answer is the useful one.
    if (ctx.get('x-no-compression') || !ctx.acceptsEncodings('br', 'gzip', 'identity')) {
      ctx.compress = false;
    }
    // The rest of the request has run: koa-compress only decides and wraps the body now.
    await compressor(ctx, downstreamDone);
  };
};
