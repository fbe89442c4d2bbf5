import type { Context, Middleware } from 'koa';
import type { Authenticate } from '../../../application/auth/authenticate';
import type { Actor } from '../../../domain/auth/actor';
import { requestHeader } from './headers';

/** No credentials, or credentials that do not check out: a 401. */
export class Unauthenticated extends Error {
  override readonly name = 'Unauthenticated';
}

/**
 * Resolves `Authorization: Bearer` or `X-API-Key` into `ctx.state.actor`. A request without
 * either passes through unauthenticated (public routes decide); bad credentials are a 401.
 */
export const authenticate =
  (auth: Authenticate): Middleware =>
  async (ctx, next) => {
    const header = requestHeader(ctx, 'authorization');
    const apiKey = requestHeader(ctx, 'x-api-key');
    if (header || apiKey) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (header && !bearer) throw new Unauthenticated('Use "Authorization: Bearer <accessToken>"');
      const actor = bearer ? await auth.bearer(bearer) : await auth.apiKey(apiKey);
      if (!actor) throw new Unauthenticated(bearer ? 'The access token is invalid or expired' : 'The API key is invalid, expired or revoked');
      ctx.state['actor'] = actor;
      ctx.state['userId'] = actor.userId;
    }
    await next();
  };

export const actorOf = (ctx: Context): Actor => {
  const actor = ctx.state['actor'] as Actor | undefined;
  if (!actor) throw new Unauthenticated('Authentication required');
  return actor;
};

/** For routers whose every route needs a caller: 401 before any input is even looked at. */
export const requireActor: Middleware = (ctx, next) => {
  actorOf(ctx);
  return next();
};
