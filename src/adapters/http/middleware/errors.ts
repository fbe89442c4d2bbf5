import type { Middleware } from 'koa';
import type { Logger } from '../../../application/ports/logger.port';
import { BadInput } from '../decode';
import { Unauthenticated } from './authenticate';
import { replyError } from '../envelope';

/** A failure of infrastructure (a database away): the request may succeed later. */
export class ServiceUnavailable extends Error {
  override readonly name = 'ServiceUnavailable';
}

/**
 * The one place thrown errors become responses. Known client faults keep their status; anything
 * else is logged with its stack and answered with a generic 500 that leaks nothing.
 */
export const errorHandler =
  (logger: Logger): Middleware =>
  async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) replyError(ctx, 404, `No route for ${ctx.method} ${ctx.path}`);
    } catch (err) {
      if (err instanceof BadInput) return replyError(ctx, 400, 'The request is not valid', err.errors);
      if (err instanceof Unauthenticated) {
        ctx.set('WWW-Authenticate', 'Bearer');
        return replyError(ctx, 401, err.message);
      }
      const status = httpStatusOf(err);
      if (status === 413) return replyError(ctx, 413, 'The request body is too large');
      if (status === 415) return replyError(ctx, 415, 'Send the body as application/json');
      if (status !== undefined && status >= 400 && status < 500) {
        const parseFailure = (err as { type?: string }).type === 'entity.parse.failed' || err instanceof SyntaxError;
        return replyError(ctx, status, parseFailure ? 'The body is not valid JSON' : expose(err));
      }
      if (err instanceof ServiceUnavailable || isConnectionFailure(err)) {
        logger.error('dependency unavailable', { error: (err as Error).message });
        ctx.set('Retry-After', '5');
        return replyError(ctx, 503, 'A service Nexus depends on is unavailable; try again shortly');
      }
      logger.error('unhandled error', { error: (err as Error)?.message, stack: (err as Error)?.stack });
      replyError(ctx, 500, 'Internal server error');
    }
  };

const httpStatusOf = (err: unknown): number | undefined => {
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
};

const expose = (err: unknown): string => {
  const e = err as { expose?: boolean; message?: string };
  return e.expose && e.message ? e.message : 'Bad request';
};

// Driver errors that mean "the server is not there", by name, so this layer needs no driver import.
const CONNECTION_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'DatabaseUnavailable',
  'MaxRetriesPerRequestError',
]);

export const isConnectionFailure = (err: unknown): boolean => {
  if (!(err instanceof Error)) return false;
  if (CONNECTION_ERRORS.has(err.name) || CONNECTION_ERRORS.has(err.constructor.name)) return true;
  const code = (err as { code?: unknown }).code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    /Stream isn't writeable|Connection is closed|enableOfflineQueue options is false/i.test(err.message)
  );
};
