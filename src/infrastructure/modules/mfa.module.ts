import { ContainerModule } from 'inversify';
import { mfaRoutes } from '../../adapters/http/auth/mfa.routes';
import { CompleteMfaLogin } from '../../application/auth/mfa/complete-mfa-login';
import { ConfirmTotpEnrolment } from '../../application/auth/mfa/confirm-totp-enrolment';
import { DisableTotp } from '../../application/auth/mfa/disable-totp';
import { MfaLoginGate } from '../../application/auth/mfa/mfa-login-gate';
import { ResetUserMfa } from '../../application/auth/mfa/reset-user-mfa';
import { StartTotpEnrolment } from '../../application/auth/mfa/start-totp-enrolment';
import { TotpFactor } from '../../application/auth/mfa/totp-factor';
import { csrfSecretOf } from './auth.module';
import type { NexusModule } from './module';

/** TOTP two-factor login: enrolment, confirmation with recovery codes, turning it off, and a login's second step. */
export const mfaModule: NexusModule = {
  name: 'mfa',
  bindings: new ContainerModule(({ bind }) => {
    // MfaLoginGate is also what Login (auth module) asks whether a password completes a login.
    for (const service of <const>[TotpFactor, MfaLoginGate, StartTotpEnrolment, ConfirmTotpEnrolment, DisableTotp, CompleteMfaLogin, ResetUserMfa]) bind<unknown>(service).toSelf();
  }),
  routes: (resolve, config) =>
    mfaRoutes({
      start: resolve(StartTotpEnrolment),
      confirm: resolve(ConfirmTotpEnrolment),
      disable: resolve(DisableTotp),
      completeLogin: resolve(CompleteMfaLogin),
      resetUser: resolve(ResetUserMfa),
      secureCookies: config.env === 'production',
      csrfSecret: csrfSecretOf(config),
    }),
};
