import type { Middleware } from 'koa';
import type { Logger } from '../../../application/ports/logger.port';
import type { Metrics } from '../../../application/ports/metrics.port';

/**
 * One log line and one metric observation per request, when the response is done. The route is
 * the template (`/api/users/:id`), never the raw path, so metric labels stay few.
 */
export const accessLog =
  (logger: Logger, metrics: Metrics): Middleware =>
  async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? (ctx.status === 404 ? 'unmatched' : ctx.path);
      metrics.httpRequest(ctx.method, route, ctx.status, (performance.now() - started) / 1000);
      const fields = {
        method: ctx.method,
        route,
        status: ctx.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ip: ctx.ip,
        ...(ctx.state['userId'] ? { userId: ctx.state['userId'] as string } : {}),
      };
      if (ctx.status >= 500) logger.error('request failed', fields);
      else logger.info('request', fields);
    }
  };
