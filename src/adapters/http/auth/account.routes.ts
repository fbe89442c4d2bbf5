import type Router from '@koa/router';
import * as E from 'fp-ts/Either';
import type { RequestPasswordReset } from '../../../application/account/request-password-reset';
import type { ResendVerification } from '../../../application/account/resend-verification';
import type { ResetPassword } from '../../../application/account/reset-password';
import type { VerifyEmail } from '../../../application/account/verify-email';
import { decodeOrThrow } from '../decode';
import { reply } from '../envelope';
import { actorOf, requireActor } from '../middleware/authenticate';
import { respond } from '../respond';
import { createRouter, credentialCheck } from '../routing';
import { ForgotPasswordBody, ResendVerificationBody, ResetPasswordBody, VerifyEmailBody } from './account.codecs';

export interface AccountRoutesDeps {
  readonly requestReset: RequestPasswordReset;
  readonly resetPassword: ResetPassword;
  readonly verifyEmail: VerifyEmail;
  readonly resendVerification: ResendVerification;
}

/** The one answer to "I forgot my password", whoever the address belongs to. */
export const FORGOT_MESSAGE = 'If that address belongs to an account, a link to reset its password is on its way';

/**
 * Password reset and e-mail verification. The routes that take a link's token are credential
 * checks: a wrong, used or expired token counts toward the per-client auth limit.
 */
export const accountRoutes = (deps: AccountRoutesDeps): Router => {
  const router = createRouter();

  router.post('/api/auth/password/forgot', async (ctx) => {
    const body = decodeOrThrow(ForgotPasswordBody, ctx.request.body);
    await deps.requestReset.execute(body.email);
    reply(ctx, 202, FORGOT_MESSAGE, { accepted: true });
  });

  router.post('/api/auth/password/reset', credentialCheck('token'), async (ctx) => {
    const body = decodeOrThrow(ResetPasswordBody, ctx.request.body);
    respond(ctx, await deps.resetPassword.execute(body.token, body.newPassword), 200, 'Password reset: every session of the account has ended; log in with the new password', (r) => ({
      reset: true,
      sessionsEnded: r.sessionsEnded,
    }));
  });

  router.post('/api/auth/email/verify', credentialCheck('token'), async (ctx) => {
    const body = decodeOrThrow(VerifyEmailBody, ctx.request.body);
    respond(ctx, await deps.verifyEmail.execute(body.token), 200, 'E-mail address verified', (user) => ({
      email: user.email,
      emailVerified: user.emailVerified,
      emailVerifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
    }));
  });

  router.post('/api/auth/email/verification', requireActor, async (ctx) => {
    decodeOrThrow(ResendVerificationBody, ctx.request.body ?? {});
    const result = await deps.resendVerification.execute(actorOf(ctx));
    if (E.isLeft(result) && result.left._tag === 'AccountMailThrottled') ctx.set('Retry-After', String(result.left.retryAfterSeconds));
    respond(ctx, result, 202, 'A new verification link is on its way', (sent) => sent);
  });

  return router;
};
