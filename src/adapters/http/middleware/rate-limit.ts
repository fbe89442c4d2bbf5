import type { Context, Middleware, Next } from 'koa';
import type { RateDecision, RateLimiter } from '../../../application/ports/rate-limiter.port';
import { replyError } from '../envelope';
import { setHeader } from './headers';
import { CREDENTIAL_FAILED_STATE, type MatchedRoute, type RouteTable } from '../routing';

export interface RateLimits {
  /** Every /api request, per client. */
  readonly api: RateLimiter;
  /** Failed credential checks (routes marked `credentialCheck`), per client. */
  readonly authClient: RateLimiter;
}

const headers = (ctx: Context, d: RateDecision): void => {
  setHeader(ctx, 'RateLimit-Limit', String(d.limit));
  setHeader(ctx, 'RateLimit-Remaining', String(d.remaining));
  setHeader(ctx, 'RateLimit-Reset', String(Math.ceil(d.resetMs / 1000)));
};

const tooMany = (ctx: Context, d: RateDecision, what: string): void => {
  headers(ctx, d);
  ctx.set('Retry-After', String(Math.max(1, Math.ceil(d.resetMs / 1000))));
  replyError(ctx, 429, `Too many ${what}; try again in ${Math.max(1, Math.ceil(d.resetMs / 1000))} s`);
};

/**
 * Routes outside /api (health, metrics, the dashboard's pages) are not limited; every other
 * request is, matched or not, and so is every credential check wherever it lives (the
 * dashboard's browser sign-in counts toward the same per-client auth limit as the API's).
 */
const underApi = (route: MatchedRoute | undefined): boolean => route === undefined || route.template.startsWith('/api/') || route.credentialCheck;
const AUTH_AREA = '/api/auth/';

/** Runs the rest of the request; gives the reserved point back unless a credential check failed. */
const reserving = async (ctx: Context, next: Next, limiter: RateLimiter, key: string, reserved: RateDecision): Promise<void> => {
  let failed = false;
  try {
    await next();
    failed = ctx.state[CREDENTIAL_FAILED_STATE] === true;
  } finally {
    if (failed) headers(ctx, reserved);
    else await limiter.refund(key);
  }
};

/**
 * Rate limits keyed on the route a request will reach (resolved from the route table before
 * routing, on the canonical path), never on the raw path, applied before the body is read so a
 * client over its limit costs no parsing:
 * - every request under /api (and every request that matches no route) counts toward the
 *   general per-client limit;
 * - a client over its auth limit is refused on every /api/auth route;
 * - only failed credential checks (routes that declare `credentialCheck`) count toward the
 *   auth limits; a successful login, a malformed body or a bad bearer token costs nothing there.
 *   The count is taken before the check (an atomic reservation) and given back when the check
 *   did not fail, so requests sent at once cannot all be checked: at most the limit are.
 * There is no per-account limit here: an account is protected by the lockout (application/auth/
 * account-lockout.ts), which answers exactly like a wrong password and comes after more failures,
 * where a 429 for the account told the attacker it had worked and let anyone shut an owner out
 * with a handful of tries.
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
    if (!route.credentialCheck) {
      const byClient = await limits.authClient.peek(client);
      return byClient.allowed ? next() : tooMany(ctx, byClient, 'failed attempts from this client');
    }
    const byClient = await limits.authClient.consume(client);
    if (!byClient.allowed) {
      await limits.authClient.refund(client);
      return tooMany(ctx, byClient, 'failed attempts from this client');
    }
    return reserving(ctx, next, limits.authClient, client, byClient);
  };
