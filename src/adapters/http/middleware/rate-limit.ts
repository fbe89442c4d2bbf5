import type { Context, Middleware } from 'koa';
import type { RateDecision, RateLimiter } from '../../../application/ports/rate-limiter.port';
import { replyError } from '../envelope';

export interface RateLimits {
  /** Every /api request, per client. */
  readonly api: RateLimiter;
  /** Failed /api/auth requests, per client. */
  readonly authClient: RateLimiter;
  /** Failed logins, per account. */
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

const accountOf = (ctx: Context): string | undefined => {
  const email = (ctx.request as { body?: { email?: unknown } }).body?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 320) : undefined;
};

/**
 * The general limit on /api, and the strict one on /api/auth that counts only failures (a
 * successful login costs nothing), per client and, for logins, per account.
 */
export const rateLimit =
  (limits: RateLimits): Middleware =>
  async (ctx, next) => {
    if (!ctx.path.startsWith('/api/')) return next();
    const client = ctx.ip;
    const general = await limits.api.consume(client);
    headers(ctx, general);
    if (!general.allowed) return tooMany(ctx, general, 'requests');

    if (!ctx.path.startsWith('/api/auth/')) return next();
    const isLogin = ctx.path === '/api/auth/login' && ctx.method === 'POST';
    const account = isLogin ? accountOf(ctx) : undefined;
    const [byClient, byAccount] = await Promise.all([limits.authClient.peek(client), account ? limits.authAccount.peek(account) : undefined]);
    if (!byClient.allowed) return tooMany(ctx, byClient, 'failed attempts from this client');
    if (byAccount && !byAccount.allowed) return tooMany(ctx, byAccount, 'failed attempts for this account');

    await next();

    if (ctx.status >= 400 && ctx.status < 500 && ctx.status !== 429) {
      const counted = await limits.authClient.consume(client);
      if (account && ctx.status === 401) await limits.authAccount.consume(account);
      headers(ctx, counted);
    }
  };
