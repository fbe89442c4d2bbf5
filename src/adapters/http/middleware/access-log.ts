import type { Middleware } from 'koa';
import type { Logger } from '../../../application/ports/logger.port';
import type { Metrics } from '../../../application/ports/metrics.port';
import type { RouteTable } from '../routing';

/**
 * One log line and one metric observation per request, when the response is done. Neither ever
 * names the raw path: a path is the client's text, and a credential pasted into it (a token as
 * an id, `sk%5F...`, `Bearer%20...`: no redaction pattern can know every spelling) would reach
 * the logs of any request refused before its route (a canonical-path 400, a 401, a 405, a 429).
 * The metric's route label is a route's template (`/api/users/:id`) or `unmatched`, so labels
 * stay few; a request refused before it reached its route is labelled with the template
 * `routes` resolves for it, one no route serves (404, 405) `unmatched`. The log line says the
 * same, except that a request no route served by its method (a 405, an OPTIONS) names the
 * template of the route that has its path.
 */
export const accessLog =
  (logger: Logger, metrics: Metrics, routes?: Pick<RouteTable, 'resolve' | 'templateOf' | 'isTemplate'>): Middleware =>
  async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: string })._matchedRoute;
      const elapsedMs = performance.now() - started;
      // A router's own middleware that answered (its sign-in check's 401) is "matched" under the
      // router's pattern, not a template: resolved like a request refused before routing.
      const known = matched !== undefined && (routes === undefined || routes.isTemplate(matched)) ? matched : undefined;
      const route = known ?? routes?.resolve(ctx.method, ctx.path)?.template;
      metrics.httpRequest(ctx.method, route ?? 'unmatched', ctx.status, elapsedMs / 1000);
      logger.access({
        method: ctx.method,
        route: route ?? (ctx.status === 404 ? undefined : routes?.templateOf(ctx.path)) ?? 'unmatched',
        status: ctx.status,
        durationMs: Math.round(elapsedMs * 10) / 10,
        ip: ctx.ip,
        userId: (ctx.state['userId'] as string | undefined) || undefined,
      });
    }
  };
