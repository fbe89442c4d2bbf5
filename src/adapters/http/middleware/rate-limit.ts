import * as E from 'fp-ts/Either';
import type { Context, Middleware, Next } from 'koa';
import type { RateDecision, RateLimiter } from '../../../application/ports/rate-limiter.port';
import { emailKey, parseEmail } from '../../../domain/users/email';
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

/**
 * The account a credential check names: its e-mail under the very key the account lookup uses
 * (the domain's parse and case fold), so no other spelling of an address (`ı`, `ſ`, `ß`, `ﬁ`)
 * reaches the account with a lock of its own. An address that does not parse names no account.
 */
const accountOf = (ctx: Context): string | undefined => {
  const email = (ctx.request as { body?: { email?: unknown } }).body?.email;
  if (typeof email !== 'string' || email.length > MAX_ACCOUNT_INPUT) return undefined;
  const parsed = parseEmail(email);
  return E.isRight(parsed) ? emailKey(parsed.right) : undefined;
};
// Longer than any address a login accepts (its codec refuses it): not worth folding.
const MAX_ACCOUNT_INPUT = 320;

/** Routes outside /api (health, metrics) are not limited; every other request is, matched or not. */
const underApi = (route: MatchedRoute | undefined): boolean => route === undefined || route.template.startsWith('/api/');
const AUTH_AREA = '/api/auth/';
/** The route `rateLimit` resolved, for `accountRateLimit` after the body is parsed. */
const CHECKED_ROUTE = 'rateLimitedCredentialCheck';

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
 * The per-account part needs the body: see `accountRateLimit`, which runs after it is parsed.
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
    ctx.state[CHECKED_ROUTE] = true;
    return reserving(ctx, next, limits.authClient, client, byClient);
  };

/**
 * The per-account part of the auth limit, once the body is parsed: a credential check that names
 * an account (a login's e-mail) reserves a point for that account before the check, as above.
 */
export const accountRateLimit =
  (limits: RateLimits): Middleware =>
  async (ctx, next) => {
    const account = ctx.state[CHECKED_ROUTE] === true ? accountOf(ctx) : undefined;
    if (account === undefined) return next();
    const byAccount = await limits.authAccount.consume(account);
    if (!byAccount.allowed) {
      await limits.authAccount.refund(account);
      return tooMany(ctx, byAccount, 'failed attempts for this account');
    }
    return reserving(ctx, next, limits.authAccount, account, byAccount);
  };
