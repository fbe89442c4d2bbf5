import cors from '@koa/cors';
import type { Middleware } from 'koa';
import compress from 'koa-compress';
import helmet from 'koa-helmet';
import { constants } from 'node:zlib';

/**
 * Headers for a JSON API that no browser should render, frame or sniff: a deny-all content
 * security policy, no framing, no referrer, HSTS.
 */
export const securityHeaders = (): Middleware =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  }) as unknown as Middleware;

/** CORS for the listed origins only; others get no CORS headers, so browsers refuse them. */
export const corsFor = (origins: readonly string[]): Middleware => {
  const allowed = new Set(origins);
  return cors({
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
};

/** gzip or brotli for bodies over 1 KB, unless the client sends `x-no-compression`. */
export const compression = (): Middleware => {
  const compressor = compress({
    threshold: 1024,
    gzip: { flush: constants.Z_SYNC_FLUSH },
    br: { flush: constants.BROTLI_OPERATION_FLUSH, params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
    deflate: false,
  });
  return async (ctx, next) => {
    // Also when the client accepts no encoding at all (`*;q=0`): koa-compress would then set an
    // undefined Content-Encoding and fail; an uncompressed answer is the useful one.
    if (ctx.get('x-no-compression') || !ctx.acceptsEncodings('br', 'gzip', 'identity')) {
      ctx.compress = false;
    }
    return compressor(ctx, next);
  };
};
