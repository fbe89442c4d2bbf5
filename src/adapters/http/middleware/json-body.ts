import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware, Next } from 'koa';
import { replyError } from '../envelope';

/**
 * JSON bodies (POST, PUT, PATCH and DELETE) up to `limit`, decoded as their `Content-Encoding` says. A body that does not
 * match its encoding fails inside zlib with no HTTP status, which would be a 500: it is the
 * client's fault, so it is a 400 that names the encoding; an encoding we do not speak is a 415.
 */
/**
 * The methods whose bodies are read, on every route (so each can answer 413 and 415). DELETE too:
 * turning TOTP off (`DELETE /api/auth/mfa/totp`) carries its proof in the body.
 */
export const BODY_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

export const jsonBody = (limit: string): Middleware => {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8', parsedMethods: [...BODY_METHODS] });
  const parsedMethods = new Set(BODY_METHODS);
  return (ctx, next) => {
    // A GET (most requests) has no body to read: the parser would only pass it on, inside our
    // error handling; it goes straight on instead (the parser's own test, made first).
    if (!parsedMethods.has(ctx.method.toUpperCase())) return next();
    return parseWithin(ctx, next, parse);
  };
};

const parseWithin = async (ctx: Context, next: Next, parse: Middleware): Promise<void> => {
  let parsed = false;
  try {
    await parse(ctx, async () => {
      parsed = true;
      await next();
    });
  } catch (err) {
    if (parsed) throw err;
    const encoding = ctx.get('Content-Encoding');
    const { status, message } = err as { status?: number; message?: string };
    if (status === 415 && /Content-Encoding/i.test(message ?? '')) return replyError(ctx, 415, `Content-Encoding "${encoding}" is not supported; send gzip, deflate, br or none`);
    if (status === undefined && encoding && encoding !== 'identity') {
      return replyError(ctx, 400, `The body does not match its Content-Encoding (${encoding})`, [{ path: 'body', message: `is not valid ${encoding}` }]);
    }
    throw err;
  }
};
