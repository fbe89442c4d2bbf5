import type Router from '@koa/router';
import * as E from 'fp-ts/Either';
import type { Context, Next } from 'koa';
import type { Authenticate } from '../../../application/auth/authenticate';
import type { Login } from '../../../application/auth/login';
import { isMfaChallenge } from '../../../application/auth/mfa/mfa-login-gate';
import type { CompleteMfaLogin, SecondFactor } from '../../../application/auth/mfa/complete-mfa-login';
import type { AuthorizeQueueDashboardAction, OpenQueueDashboard, RecordQueueDashboardAction } from '../../../application/jobs/queue-dashboard';
import type { EndOwnSession } from '../../../application/sessions/end-own-session';
import type { Actor } from '../../../domain/auth/actor';
import { normaliseTotpCode } from '../../../domain/auth/mfa';
import { MAX_PASSWORD_LENGTH } from '../../../domain/auth/password-policy';
import { clientOf, sessionCookies } from '../auth/auth.routes';
import { replyError } from '../envelope';
import { type AppError, toHttpFailure } from '../error-mapping';
import { createRouter, credentialCheck, FAILURE_STATE } from '../routing';
import { escapeHtml, loginForm, mfaForm, sendPage, signOutForm, STYLESHEET, STYLESHEET_PATH } from './admin-pages';
import { NexusBoardAdapter } from './board-adapter';

/** The dashboard's cookie: an access token of a real session, on /admin only. */
export const ADMIN_COOKIE = 'nexus_admin';
export const ADMIN_PATH = '/admin';
export const BOARD_PATH = '/admin/queues';
export const LOGIN_PATH = '/admin/login';
const FORM_LIMIT_BYTES = 8 * 1024;

export interface AdminRoutesDeps {
  readonly login: Login;
  readonly completeMfaLogin: CompleteMfaLogin;
  readonly authenticate: Authenticate;
  readonly endSession: EndOwnSession;
  readonly openDashboard: OpenQueueDashboard;
  readonly authorizeAction: AuthorizeQueueDashboardAction;
  readonly recordAction: RecordQueueDashboardAction;
  /** The board, loaded on its first request; null where there are no BullMQ queues (the embedded profile). */
  readonly board: (() => Promise<NexusBoardAdapter>) | null;
  readonly secureCookies: boolean;
  readonly csrfSecret: string;
}

/**
 * The queue dashboard (bull-board, at /admin/queues) and the browser sign-in in front of it.
 *
 * - `GET /admin/login` is a plain form; `POST /admin/login` takes it (form-encoded) through the
 *   same login use case as `POST /api/auth/login`, TOTP step included, and is a credential check:
 *   failures count toward the account lockout and the per-client auth limit like the API's.
 * - A successful sign-in starts a real Nexus session; its access token is the cookie (HttpOnly,
 *   SameSite=Strict, Path=/admin, Secure in production or over HTTPS), checked on every request
 *   like a bearer token: ending the session or suspending the user ends dashboard access on every
 *   instance. When the token expires, the person signs in again. No token ever goes in a URL.
 * - Only `jobs:manage` opens the board (403 otherwise; not signed in: 303 to the form).
 * - Every request that changes something (bull-board's API, sign-in, sign-out) must come from this
 *   origin (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to ours); each bull-board change
 *   that succeeds (or fails part-way, with a 5xx) is audited as `jobs.dashboard.<operation>` with its queue and job.
 */
export const adminRoutes = (deps: AdminRoutesDeps): Router => {
  const router = createRouter();
  const { cookie, allowSecure } = sessionCookies(deps);
  const setCookie = (ctx: Context, token: string, maxAgeSeconds: number) => ctx.cookies.set(ADMIN_COOKIE, token, cookie(ctx, true, maxAgeSeconds, ADMIN_PATH));
  const clearCookie = (ctx: Context) => ctx.cookies.set(ADMIN_COOKIE, '', { ...cookie(ctx, true, 0, ADMIN_PATH), maxAge: 0 });
  router.use(allowSecure);
  // CORS_ORIGINS is for API clients: no origin is ever granted a read of a dashboard answer. (A
  // listed origin on the same site as the dashboard gets its SameSite=Strict cookie sent along.)
  router.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      for (const header of ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Expose-Headers']) ctx.remove(header);
    }
  });

  /** The signed-in person, or null (no cookie, an expired token, an ended session, a suspended user). */
  const signedIn = async (ctx: Context): Promise<Actor | null> => {
    const token = ctx.cookies.get(ADMIN_COOKIE);
    if (!token || token.length > 4096) return null;
    const actor = await deps.authenticate.bearer(token);
    if (!actor) return null;
    ctx.state['actor'] = actor;
    ctx.state['userId'] = actor.userId;
    return actor;
  };

  router.get(LOGIN_PATH, (ctx) => sendPage(ctx, 200, 'Sign in', loginForm()));
  router.get(STYLESHEET_PATH, (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = STYLESHEET;
  });

  router.post(LOGIN_PATH, credentialCheck(), async (ctx) => {
    if (!sameOrigin(ctx)) return crossSite(ctx);
    const form = await readForm(ctx);
    if (typeof form === 'string') return sendPage(ctx, form === 'too-large' ? 413 : 415, 'Sign in', loginForm({ error: form === 'too-large' ? 'The form is too large.' : 'Send the form as application/x-www-form-urlencoded.' }));
    if (form.has('mfaToken')) return secondStep(ctx, form);

    const email = form.get('email') ?? '';
    const password = form.get('password') ?? '';
    const unknown = [...form.keys()].filter((k) => k !== 'email' && k !== 'password');
    if (!email || !password || email.length > 320 || password.length > MAX_PASSWORD_LENGTH || unknown.length > 0) {
      return sendPage(ctx, 400, 'Sign in', loginForm({ email: email.slice(0, 320), error: unknown.length > 0 ? `Unknown field: ${unknown.join(', ')}.` : 'Enter your e-mail and password.' }));
    }
    const result = await deps.login.execute(email, password, clientOf(ctx));
    if (E.isLeft(result)) return refused(ctx, result.left, (message) => loginForm({ email, error: message }));
    if (isMfaChallenge(result.right)) return sendPage(ctx, 200, 'Second factor', mfaForm(result.right.mfaToken));
    setCookie(ctx, result.right.accessToken, result.right.expiresIn);
    redirect(ctx, BOARD_PATH);
  });

  const secondStep = async (ctx: Context, form: URLSearchParams): Promise<void> => {
    const mfaToken = form.get('mfaToken') ?? '';
    const code = form.get('code')?.trim() ?? '';
    const recoveryCode = form.get('recoveryCode')?.trim() ?? '';
    const unknown = [...form.keys()].filter((k) => !['mfaToken', 'code', 'recoveryCode'].includes(k));
    if (mfaToken.length === 0 || mfaToken.length > 200 || unknown.length > 0) return sendPage(ctx, 400, 'Sign in', loginForm({ error: 'Sign in again.' }));
    if ((code === '') === (recoveryCode === '')) return sendPage(ctx, 400, 'Second factor', mfaForm(mfaToken, 'Enter a code or a recovery code (one of them).'));
    let proof: SecondFactor;
    if (code) {
      const normalised = normaliseTotpCode(code);
      if (E.isLeft(normalised)) return sendPage(ctx, 400, 'Second factor', mfaForm(mfaToken, `The code ${normalised.left}.`));
      proof = { code: normalised.right };
    } else {
      if (recoveryCode.length > 64) return sendPage(ctx, 400, 'Second factor', mfaForm(mfaToken, 'That is not a recovery code.'));
      proof = { recoveryCode };
    }
    const result = await deps.completeMfaLogin.execute(mfaToken, proof, clientOf(ctx));
    if (E.isLeft(result)) {
      // An expired or spent challenge starts over; a wrong code may be typed again.
      const again = result.left._tag === 'MfaTokenInvalid';
      return refused(ctx, result.left, (message) => (again ? loginForm({ error: `${message}. Sign in again.` }) : mfaForm(mfaToken, message)));
    }
    setCookie(ctx, result.right.accessToken, result.right.expiresIn);
    redirect(ctx, BOARD_PATH);
  };

  router.post('/admin/logout', async (ctx) => {
    if (!sameOrigin(ctx)) return crossSite(ctx);
    const actor = await signedIn(ctx);
    if (actor?.sessionId) await deps.endSession.execute(actor, actor.sessionId);
    clearCookie(ctx);
    redirect(ctx, LOGIN_PATH);
  });

  const board = async (ctx: Context, next: Next): Promise<void> => {
    const api = ctx.path.startsWith(`${BOARD_PATH}/api/`);
    if (!deps.board) return needsProduction(ctx);
    const actor = await signedIn(ctx);
    if (!actor) {
      if (ctx.cookies.get(ADMIN_COOKIE)) clearCookie(ctx);
      if (api) return replyError(ctx, 401, 'Sign in at /admin/login to use the queue dashboard');
      return redirect(ctx, LOGIN_PATH);
    }
    const allowed = deps.openDashboard.execute(actor);
    if (E.isLeft(allowed)) {
      if (api) return replyError(ctx, 403, 'The queue dashboard needs the jobs:manage permission');
      return sendPage(ctx, 403, 'Not allowed', `<p>Your account does not hold the <code>jobs:manage</code> permission the queue dashboard needs.</p>\n${signOutForm}`);
    }
    if (NexusBoardAdapter.isMutation(ctx.method) ? !sameOrigin(ctx) : api && readByAnotherOrigin(ctx)) return crossSite(ctx);
    const adapter = await deps.board();
    await adapter.handle(
      {
        ctx,
        refusal: (action) => {
          const allowed = deps.authorizeAction.execute(actor, action);
          return E.isLeft(allowed) ? toHttpFailure(allowed.left).message : null;
        },
        audited: async (mutation) => {
          const recorded = await deps.recordAction.execute(actor, mutation.action, mutation);
          if (E.isLeft(recorded)) throw new Error('a dashboard action was taken by someone who may not take it');
        },
      },
      next,
    );
    if (ctx.body === undefined && ctx.status === 404) replyError(ctx, 404, 'No such page or operation on the queue dashboard');
  };

  for (const path of [BOARD_PATH, `${BOARD_PATH}/{*rest}`]) {
    router.get(path, board);
    if (path !== BOARD_PATH) {
      router.put(path, board);
      router.patch(path, board);
      router.post(path, board);
    }
  }
  return router;
};

/** A use case's refusal on the form: its status, its message, counted by the credential check. */
const refused = (ctx: Context, error: AppError, page: (message: string) => string): void => {
  const failure = toHttpFailure(error);
  ctx.state[FAILURE_STATE] = failure;
  sendPage(ctx, failure.status, 'Sign in', page(failure.message));
};

const redirect = (ctx: Context, to: string): void => {
  ctx.status = 303;
  ctx.redirect(to);
  ctx.set('Cache-Control', 'no-store');
};

/**
 * A browser says where a request came from: `Sec-Fetch-Site` (every current browser), else
 * `Origin` (sent on every POST, PUT and PATCH). A request with neither is not from a browser
 * page of ours, and a cookie-carried change needs that proof.
 */
export const sameOrigin = (ctx: Context): boolean => {
  const site = ctx.get('Sec-Fetch-Site');
  if (site) return site === 'same-origin';
  const origin = ctx.get('Origin');
  // Our own origin as the client addressed it (through a trusted proxy: as the proxy says). Not
  // `ctx.origin`: Koa 3 answers that with the request's own Origin header.
  return origin !== '' && ctx.host !== '' && origin === `${ctx.protocol}://${ctx.host}`;
};

/**
 * A script of another origin fetching the board's API (a browser says so with `Sec-Fetch-Site`,
 * or, without it, with an `Origin` not ours): its own pages, a person opening the URL
 * (`Sec-Fetch-Site: none`) and clients that are not browsers read it; nobody else.
 */
const readByAnotherOrigin = (ctx: Context): boolean => {
  const site = ctx.get('Sec-Fetch-Site');
  if (site) return site !== 'same-origin' && site !== 'none';
  return ctx.get('Origin') !== '' && !sameOrigin(ctx);
};

const crossSite = (ctx: Context): void => {
  if (ctx.path.startsWith(`${BOARD_PATH}/api/`)) return replyError(ctx, 403, 'Cross-site request refused: the API of the queue dashboard answers its own pages only');
  sendPage(ctx, 403, 'Refused', '<p>Cross-site request refused: this form must be sent from its own page.</p>');
};

/** In the embedded profile: what the dashboard needs, as a page for browsers or the envelope. */
const needsProduction = (ctx: Context): void => {
  const message =
    'The queue dashboard needs the production profile (MONGO_URL and REDIS_URL set): this process runs the embedded profile, whose in-process queue is not BullMQ. Its jobs are at GET /api/jobs/:queue/:id and GET /api/jobs/dead-letter.';
  if (ctx.accepts('html', 'json') === 'html') {
    return sendPage(ctx, 404, 'Queue dashboard unavailable', `<p>${escapeHtml(message)}</p>`);
  }
  replyError(ctx, 404, message);
};

/** The sign-in form's fields; 'too-large' or 'not-a-form' otherwise. Nothing of it is logged. */
const readForm = async (ctx: Context): Promise<URLSearchParams | 'too-large' | 'not-a-form'> => {
  if (!ctx.is('application/x-www-form-urlencoded')) return 'not-a-form';
  const encoding = ctx.get('Content-Encoding');
  if (encoding && encoding !== 'identity') return 'not-a-form';
  if (Number(ctx.get('Content-Length') || 0) > FORM_LIMIT_BYTES) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT_BYTES) return 'too-large';
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};
