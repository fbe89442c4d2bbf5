import type { Middleware } from 'koa';
import type { Logger } from '../../../application/ports/logger.port';
import type { Metrics } from '../../../application/ports/metrics.port';
import type { RouteTable } from '../routing';

/**
 * One log line and one metric observation per request, when the response is done. The metric's
 * route label is always a route's template (`/api/users/:id`) or `unmatched`, never the raw path:
 * labels stay few whatever paths clients send, and a credential pasted into a path never reaches
 * the metrics. A request refused before it reached its route (401, 429, a canonical-path 400) is
 * labelled with the template `routes` resolves for it; one no route serves (404, 405) `unmatched`.
 * The log line names the raw path of a request no route took, other than a 404 (redacted as every
 * logged value is).
 */
export const accessLog =
  (logger: Logger, metrics: Metrics, routes?: Pick<RouteTable, 'resolve'>): Middleware =>
  async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: string })._matchedRoute;
      const elapsedMs = performance.now() - started;
      metrics.httpRequest(ctx.method, matched ?? routes?.resolve(ctx.method, ctx.path)?.template ?? 'unmatched', ctx.status, elapsedMs / 1000);
      logger.access({
        method: ctx.method,
        route: matched ?? (ctx.status === 404 ? 'unmatched' : ctx.path),
        status: ctx.status,
        durationMs: Math.round(elapsedMs * 10) / 10,
        ip: ctx.ip,
        userId: (ctx.state['userId'] as string | undefined) || undefined,
      });
    }
  };
