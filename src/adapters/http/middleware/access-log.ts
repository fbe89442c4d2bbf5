import type { Middleware } from 'koa';
import type { Logger } from '../../../application/ports/logger.port';

/** One line per request, written when the response is done (the request id comes from the context). */
export const accessLog =
  (logger: Logger): Middleware =>
  async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const fields = {
        method: ctx.method,
        route: (ctx as { _matchedRoute?: string })._matchedRoute ?? ctx.path,
        status: ctx.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ip: ctx.ip,
        ...(ctx.state['userId'] ? { userId: ctx.state['userId'] as string } : {}),
      };
      if (ctx.status >= 500) logger.error('request failed', fields);
      else logger.info('request', fields);
    }
  };
