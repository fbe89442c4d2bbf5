import type Router from '@koa/router';
import * as E from 'fp-ts/Either';
import type { CompleteMfaLogin } from '../../../application/auth/mfa/complete-mfa-login';
import type { ConfirmTotpEnrolment } from '../../../application/auth/mfa/confirm-totp-enrolment';
import type { DisableTotp } from '../../../application/auth/mfa/disable-totp';
import type { ResetUserMfa } from '../../../application/auth/mfa/reset-user-mfa';
import type { StartTotpEnrolment } from '../../../application/auth/mfa/start-totp-enrolment';
import { decodeOrThrow, strictObject } from '../decode';
import { actorOf, requireActor } from '../middleware/authenticate';
import { respond } from '../respond';
import { createRouter, credentialCheck } from '../routing';
import { UserIdParams } from '../users/users.codecs';
import { presentUser } from '../users/users.presenter';
import { clientOf, sessionCookies } from './auth.routes';
import { ConfirmTotpBody, DisableTotpBody, MfaLoginBody, StartTotpBody } from './mfa.codecs';

export interface MfaRoutesDeps {
  readonly start: StartTotpEnrolment;
  readonly confirm: ConfirmTotpEnrolment;
  readonly disable: DisableTotp;
  readonly completeLogin: CompleteMfaLogin;
  readonly resetUser: ResetUserMfa;
  /** As for the login route: the session cookies of the MFA step are the login's own. */
  readonly secureCookies: boolean;
  readonly csrfSecret: string;
}

/**
 * TOTP enrolment (signed in with a token; API keys are refused by the use cases) and the second
 * step of a login. The routes that check a code or a password are credential checks: their
 * failures count toward the auth rate limits.
 */
/** No body is needed; one that names fields is refused by name, as everywhere. */
export const ResetUserMfaBody = strictObject('ResetUserMfaBody', {});

export const mfaRoutes = (deps: MfaRoutesDeps): Router => {
  const router = createRouter();
  const cookies = sessionCookies(deps);

  router.post('/api/auth/mfa/totp', requireActor, async (ctx) => {
    decodeOrThrow(StartTotpBody, ctx.request.body ?? {});
    respond(ctx, await deps.start.execute(actorOf(ctx)), 200, 'Scan the secret into an authenticator app, then confirm a code', (e) => e);
  });

  router.post('/api/auth/mfa/totp/confirm', requireActor, async (ctx) => {
    const body = decodeOrThrow(ConfirmTotpBody, ctx.request.body);
    respond(ctx, await deps.confirm.execute(actorOf(ctx), body.code), 200, 'Two-factor login is on; keep the recovery codes somewhere safe, they are shown only now', (r) => r);
  });

  router.delete('/api/auth/mfa/totp', credentialCheck('code', 'password'), requireActor, async (ctx) => {
    const body = decodeOrThrow(DisableTotpBody, ctx.request.body);
    const proof = body.code !== undefined ? { code: body.code } : { password: body.password ?? '' };
    respond(ctx, await deps.disable.execute(actorOf(ctx), proof), 200, 'Two-factor login is off', () => ({ mfaEnabled: false }));
  });

  router.post('/api/auth/login/mfa', credentialCheck(), cookies.allowSecure, async (ctx) => {
    const body = decodeOrThrow(MfaLoginBody, ctx.request.body);
    const factor = body.code !== undefined ? { code: body.code } : { recoveryCode: body.recoveryCode ?? '' };
    const result = await deps.completeLogin.execute(body.mfaToken, factor, clientOf(ctx));
    if (E.isRight(result)) cookies.set(ctx, result.right.refreshToken, result.right.refreshExpiresIn);
    respond(ctx, result, 200, 'Logged in', ({ user, ...pair }) => ({ ...pair, user: presentUser(user) }));
  });

  // An administrator's way back for an owner without their second factor (users:update).
  router.delete('/api/users/:id/mfa', requireActor, async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    decodeOrThrow(ResetUserMfaBody, ctx.request.body ?? {});
    respond(ctx, await deps.resetUser.execute(actorOf(ctx), id), 200, 'Two-factor login is off for this user', (r) => ({ id: r.userId, wasEnabled: r.wasEnabled }));
  });

  return router;
};
