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
      const elapsedMs = performance.now() - started;
      metrics.httpRequest(ctx.method, route, ctx.status, elapsedMs / 1000);
      logger.access({
        method: ctx.method,
        route,
        status: ctx.status,
        durationMs: Math.round(elapsedMs * 10) / 10,
        ip: ctx.ip,
        userId: (ctx.state['userId'] as string | undefined) || undefined,
      });
    }
  };
