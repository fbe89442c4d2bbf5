import type { Middleware } from 'koa';
import { reply, replyError } from '../envelope';
import type { RouteTable } from '../routing';

/**
 * The answer when no route took the request, always the envelope: a path some route serves
 * gets 405 with `Allow` (whatever the method, TRACE and WebDAV verbs included; OPTIONS gets the
 * list), any other path 404.
 */
export const unrouted =
  (routes: RouteTable): Middleware =>
  async (ctx, next) => {
    await next();
    if (ctx.body !== undefined || ctx.status !== 404) return;
    const allowed = routes.allowed(ctx.path);
    if (allowed.length === 0) {
      const hint = routes.allowed(ctx.path.toLowerCase()).length > 0 ? ' (paths are case-sensitive)' : '';
      return replyError(ctx, 404, `No route for ${ctx.method} ${ctx.path}${hint}`);
    }
    ctx.set('Allow', allowed.join(', '));
    if (ctx.method === 'OPTIONS') return reply(ctx, 200, `${ctx.path} allows ${allowed.join(', ')}`, { allow: allowed });
    replyError(ctx, 405, `${ctx.method} is not allowed on ${ctx.path}; use ${allowed.join(', ')}`);
  };
