import type Router from '@koa/router';
import { timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/Either';
import type { Context } from 'koa';
import type { ChangePassword } from '../../../application/auth/change-password';
import type { DescribeCaller } from '../../../application/auth/describe-caller';
import type { Login } from '../../../application/auth/login';
import { isMfaChallenge } from '../../../application/auth/mfa/mfa-login-gate';
import type { Logout } from '../../../application/auth/logout';
import type { RefreshSession } from '../../../application/auth/refresh-session';
import type { RegisterUser } from '../../../application/auth/register-user';
import type { SecretTokens } from '../../../application/ports/secret-tokens.port';
import type { ClientInfo } from '../../../domain/auth/session';
import { decodeOrThrow } from '../decode';
import { reply, replyError } from '../envelope';
import { toHttpFailure } from '../error-mapping';
import { actorOf, requireActor } from '../middleware/authenticate';
import { presentPermission, presentRole } from '../presenters';
import { respond } from '../respond';
import { createRouter, credentialCheck } from '../routing';
import { presentUser } from '../users/users.presenter';
import { ChangePasswordBody, LoginBody, RefreshBody, RegisterBody } from './auth.codecs';
import { CsrfTokens } from './csrf';

export interface AuthRoutesDeps {
  readonly register: RegisterUser;
  readonly login: Login;
  readonly refresh: RefreshSession;
  readonly logout: Logout;
  readonly changePassword: ChangePassword;
  readonly describeCaller: DescribeCaller;
  readonly secrets: SecretTokens;
  /** Cookies are Secure always (production), or else whenever the request came over TLS. */
  readonly secureCookies: boolean;
  /** The server secret CSRF tokens are signed with (a key is derived from it). */
  readonly csrfSecret: string;
}

export const REFRESH_COOKIE = 'nexus_refresh';
export const CSRF_COOKIE = 'nexus_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
/** httpOnly, on /api: what `GET /api/csrf-token` binds its token to (the refresh cookie is on /api/auth only). */
export const CSRF_BINDING_COOKIE = 'nexus_csrf_binding';

/**
 * The cookies of a cookie-carried session, for every route that starts one (login, refresh, the
 * MFA step of a login): `set` the refresh cookie with its CSRF binding and token; `options` of
 * any cookie on these routes.
 */
export const sessionCookies = (deps: Pick<AuthRoutesDeps, 'secureCookies' | 'csrfSecret'>) => {
  const csrf = new CsrfTokens(deps.csrfSecret);
  // Secure in production, and whenever the request came over TLS: directly, or through a
  // trusted proxy's X-Forwarded-Proto (Koa's `ctx.secure` honours TRUST_PROXY).
  const cookie = (ctx: Context, httpOnly: boolean, maxAgeSeconds: number, path: string) => ({
    httpOnly,
    sameSite: 'strict' as const,
    secure: deps.secureCookies || ctx.secure,
    maxAge: maxAgeSeconds * 1000,
    path,
    overwrite: true,
  });
  return {
    csrf,
    cookie,
    /**
     * Behind a TLS-terminating proxy the connection Koa sees is plain HTTP, and Koa refuses to set
     * a Secure cookie on it. The cookie is still marked Secure (browsers send it over HTTPS only).
     */
    allowSecure: async (ctx: Context, next: () => Promise<unknown>): Promise<void> => {
      if (deps.secureCookies) (ctx.cookies as unknown as { secure: boolean }).secure = true;
      await next();
    },
    /** The refresh cookie, and the CSRF binding and token that go with it. */
    set: (ctx: Context, refreshToken: string, maxAgeSeconds: number): void => {
      const binding = csrf.bindingOf(refreshToken);
      ctx.cookies.set(REFRESH_COOKIE, refreshToken, cookie(ctx, true, maxAgeSeconds, '/api/auth'));
      ctx.cookies.set(CSRF_BINDING_COOKIE, binding, cookie(ctx, true, maxAgeSeconds, '/api'));
      ctx.cookies.set(CSRF_COOKIE, csrf.mint(binding), cookie(ctx, false, 2 * 3600, '/'));
    },
  };
};

export const authRoutes = (deps: AuthRoutesDeps): Router => {
  const router = createRouter();
  const { csrf, cookie, allowSecure, set: setSessionCookies } = sessionCookies(deps);
  router.use(allowSecure);

  /**
   * The refresh token from the body, or from the cookie; a cookie-carried token must come with
   * the CSRF header matching the CSRF cookie (double submit), since a browser sends cookies on
   * cross-site requests by itself.
   */
  const refreshTokenOf = (ctx: Context): string | 'csrf-mismatch' | undefined => {
    const body = decodeOrThrow(RefreshBody, ctx.request.body ?? {});
    if (body.refreshToken) return body.refreshToken;
    const fromCookie = ctx.cookies.get(REFRESH_COOKIE);
    if (!fromCookie) return undefined;
    const expected = ctx.cookies.get(CSRF_COOKIE) ?? '';
    const given = ctx.get(CSRF_HEADER);
    const same = expected.length > 0 && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    return same && csrf.verify(given, csrf.bindingOf(fromCookie)) ? fromCookie : 'csrf-mismatch';
  };

  router.get('/api/csrf-token', (ctx) => {
    // Bound to the browser's refresh cookie through its binding cookie; without one (no
    // cookie-carried session yet) the token is bound to nothing and validates with no refresh
    // cookie: logging in sets a bound one.
    const csrfToken = csrf.mint(ctx.cookies.get(CSRF_BINDING_COOKIE) ?? '');
    ctx.cookies.set(CSRF_COOKIE, csrfToken, cookie(ctx, false, 2 * 3600, '/'));
    reply(ctx, 200, 'CSRF token issued', { csrfToken });
  });

  router.post('/api/auth/register', async (ctx) => {
    const body = decodeOrThrow(RegisterBody, ctx.request.body);
    respond(ctx, await deps.register.execute(body), 201, 'Account created', (user) => ({ user: presentUser(user) }));
  });

  router.post('/api/auth/login', credentialCheck(), async (ctx) => {
    const body = decodeOrThrow(LoginBody, ctx.request.body);
    const result = await deps.login.execute(body.email, body.password, clientOf(ctx));
    // With TOTP on, the password earns an mfaToken only: no tokens and no cookies until POST /api/auth/login/mfa.
    const challenged = E.isRight(result) && isMfaChallenge(result.right);
    if (E.isRight(result) && !isMfaChallenge(result.right)) setSessionCookies(ctx, result.right.refreshToken, result.right.refreshExpiresIn);
    respond(ctx, result, 200, challenged ? 'Password accepted; a second factor is required' : 'Logged in', (outcome) =>
      isMfaChallenge(outcome) ? outcome : { ...outcome, user: presentUser(outcome.user) },
    );
  });

  router.post('/api/auth/refresh', credentialCheck(), async (ctx) => {
    const token = refreshTokenOf(ctx);
    if (token === 'csrf-mismatch') return fail(ctx, { _tag: 'CsrfMismatch' });
    if (token === undefined) return replyError(ctx, 400, 'The request is not valid', [{ path: 'refreshToken', message: 'is required (in the body or the refresh cookie)' }]);
    const result = await deps.refresh.execute(token);
    if (E.isRight(result)) setSessionCookies(ctx, result.right.refreshToken, result.right.refreshExpiresIn);
    respond(ctx, result, 200, 'Session refreshed', (pair) => pair);
  });

  router.post('/api/auth/logout', async (ctx) => {
    const token = refreshTokenOf(ctx);
    if (token === 'csrf-mismatch') return fail(ctx, { _tag: 'CsrfMismatch' });
    if (token === undefined) return replyError(ctx, 400, 'The request is not valid', [{ path: 'refreshToken', message: 'is required (in the body or the refresh cookie)' }]);
    await deps.logout.execute(token);
    ctx.cookies.set(REFRESH_COOKIE, '', { ...cookie(ctx, true, 0, '/api/auth'), maxAge: 0 });
    ctx.cookies.set(CSRF_BINDING_COOKIE, '', { ...cookie(ctx, true, 0, '/api'), maxAge: 0 });
    reply(ctx, 200, 'Logged out', { revoked: true });
  });

  router.post('/api/auth/password', credentialCheck('currentPassword'), requireActor, async (ctx) => {
    const actor = actorOf(ctx);
    const body = decodeOrThrow(ChangePasswordBody, ctx.request.body);
    respond(ctx, await deps.changePassword.execute(actor, body.currentPassword, body.newPassword), 200, 'Password changed', () => ({ changed: true }));
  });

  router.get('/api/auth/me', requireActor, async (ctx) => {
    respond(ctx, await deps.describeCaller.execute(actorOf(ctx)), 200, 'You', (me) => ({
      user: presentUser(me.user),
      roles: me.roles.map(presentRole),
      permissions: me.permissions.map(presentPermission),
      via: me.via,
      mfaEnabled: me.mfaEnabled,
    }));
  });

  return router;
};

/** The caller as the edge sees it: `ctx.ip` honours TRUST_PROXY's hop count. */
export const clientOf = (ctx: Context): ClientInfo => ({ userAgent: ctx.get('user-agent').slice(0, 512), ip: ctx.ip });

const fail = (ctx: Context, error: Parameters<typeof toHttpFailure>[0]): void => {
  const f = toHttpFailure(error);
  replyError(ctx, f.status, f.message, f.errors ?? []);
};
