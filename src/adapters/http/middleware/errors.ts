import type { Middleware } from 'koa';
import { Busy } from '../../../application/ports/busy';
import { DependencyUnavailable } from '../../../application/ports/dependency-unavailable';
import type { Logger } from '../../../application/ports/logger.port';
import { BadInput } from '../decode';
import { Unauthenticated } from './authenticate';
import { replyError } from '../envelope';

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
      if (err instanceof Busy) {
        // Refused before any work, by a bound that keeps latency flat under a burst.
        logger.warn('busy: request refused', { resource: err.resource });
        ctx.set('Retry-After', String(err.retryAfterSeconds));
        return replyError(ctx, 503, 'Nexus is busy; try again shortly');
      }
      if (err instanceof DependencyUnavailable) {
        logger.error('dependency unavailable', { dependency: err.dependency, error: err.message });
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
