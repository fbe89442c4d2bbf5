import type Router from '@koa/router';
import { createRouter } from './routing';
import type { Context } from 'koa';
import { timingSafeEqual } from 'node:crypto';
import { can, type Actor } from '../../domain/auth/actor';
import { replyError } from './envelope';

export interface MetricsSource {
  render(): Promise<string>;
  contentType(): string;
}

const sameSecret = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * `GET /metrics` in Prometheus text format. With a token configured, a scraper sends it as a
 * bearer token; otherwise the caller needs the `metrics:read` permission. `open` serves it to
 * anyone (used on a separate, internal port).
 */
export const metricsRoutes = (source: MetricsSource, options: { token?: string; open?: boolean }): Router => {
  const router = createRouter();
  router.get('/metrics', async (ctx: Context) => {
    if (!options.open) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'))?.[1] ?? '';
      const actor = ctx.state['actor'] as Actor | undefined;
      if (options.token && !sameSecret(bearer, options.token)) return replyError(ctx, 401, 'Send the metrics token as a bearer token');
      if (!options.token && !actor) return replyError(ctx, 401, 'Authentication required');
      if (!options.token && actor && !can(actor, 'metrics', 'read')) return replyError(ctx, 403, 'You need the metrics:read permission');
    }
    ctx.type = source.contentType();
    ctx.body = await source.render();
  });
  return router;
};
