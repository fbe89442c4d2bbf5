import type { Context, Middleware } from 'koa';
import type { RateDecision, RateLimiter } from '../../../application/ports/rate-limiter.port';
import { replyError } from '../envelope';
import { CREDENTIAL_FAILED_STATE, type MatchedRoute, type RouteTable } from '../routing';

export interface RateLimits {
  /** Every /api request, per client. */
  readonly api: RateLimiter;
  /** Failed credential checks (routes marked `credentialCheck`), per client. */
  readonly authClient: RateLimiter;
  /** Failed credential checks naming an account (a login's e-mail), per account. */
  readonly authAccount: RateLimiter;
}

const headers = (ctx: Context, d: RateDecision): void => {
  ctx.set('RateLimit-Limit', String(d.limit));
  ctx.set('RateLimit-Remaining', String(d.remaining));
  ctx.set('RateLimit-Reset', String(Math.ceil(d.resetMs / 1000)));
};

const tooMany = (ctx: Context, d: RateDecision, what: string): void => {
  headers(ctx, d);
  ctx.set('Retry-After', String(Math.max(1, Math.ceil(d.resetMs / 1000))));
  replyError(ctx, 429, `Too many ${what}; try again in ${Math.max(1, Math.ceil(d.resetMs / 1000))} s`);
};

/** The account a credential check names: its e-mail, normalised as the users module stores it. */
const accountOf = (ctx: Context): string | undefined => {
  const email = (ctx.request as { body?: { email?: unknown } }).body?.email;
  return typeof email === 'string' ? email.normalize('NFC').trim().toLowerCase().slice(0, 320) : undefined;
};

/** Routes outside /api (health, metrics) are not limited; every other request is, matched or not. */
const underApi = (route: MatchedRoute | undefined): boolean => route === undefined || route.template.startsWith('/api/');
const AUTH_AREA = '/api/auth/';

/**
 * Rate limits keyed on the route a request will reach (resolved from the route table before
 * routing, on the canonical path), never on the raw path:
 * - every request under /api (and every request that matches no route) counts toward the
 *   general per-client limit;
 * - a client over its auth limit is refused on every /api/auth route;
 * - only failed credential checks (routes that declare `credentialCheck`) count toward the
 *   auth limits, per client and, when the body names an account, per account; a successful
 *   login, a malformed body or a bad bearer token costs nothing there.
 */
export const rateLimit =
  (limits: RateLimits, routes: RouteTable): Middleware =>
  async (ctx, next) => {
    const route = routes.resolve(ctx.method, ctx.path);
    if (!underApi(route)) return next();
    const client = ctx.ip;
    const general = await limits.api.consume(client);
    headers(ctx, general);
    if (!general.allowed) return tooMany(ctx, general, 'requests');

    if (!route || (!route.template.startsWith(AUTH_AREA) && !route.credentialCheck)) return next();
    const account = route.credentialCheck ? accountOf(ctx) : undefined;
    const [byClient, byAccount] = await Promise.all([limits.authClient.peek(client), account ? limits.authAccount.peek(account) : undefined]);
    if (!byClient.allowed) return tooMany(ctx, byClient, 'failed attempts from this client');
    if (byAccount && !byAccount.allowed) return tooMany(ctx, byAccount, 'failed attempts for this account');

    await next();

    if (ctx.state[CREDENTIAL_FAILED_STATE] === true) {
      const [counted] = await Promise.all([limits.authClient.consume(client), account ? limits.authAccount.consume(account) : undefined]);
      headers(ctx, counted);
    }
  };
