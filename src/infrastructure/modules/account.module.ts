import { ContainerModule } from 'inversify';
import { accountRoutes } from '../../adapters/http/auth/account.routes';
import { AccountLinks } from '../../application/account/account-links';
import { EmailVerification } from '../../application/account/email-verification';
import { OffPathWork } from '../../application/account/off-path-work';
import { RequestPasswordReset } from '../../application/account/request-password-reset';
import { ResendVerification } from '../../application/account/resend-verification';
import { ResetPassword } from '../../application/account/reset-password';
import { VerifyEmail } from '../../application/account/verify-email';
import type { NexusModule } from './module';

/** Password reset and e-mail verification (the links in account e-mails). */
export const accountModule: NexusModule = {
  name: 'account',
  bindings: new ContainerModule(({ bind }) => {
    // Shared with the auth and users modules: registration and address changes send verification links.
    bind(AccountLinks).toSelf();
    bind(EmailVerification).toSelf();
    bind(OffPathWork).toSelf().inSingletonScope();
    for (const useCase of <const>[RequestPasswordReset, ResetPassword, VerifyEmail, ResendVerification]) bind<unknown>(useCase).toSelf();
  }),
  routes: (resolve) =>
    accountRoutes({
      requestReset: resolve(RequestPasswordReset),
      resetPassword: resolve(ResetPassword),
      verifyEmail: resolve(VerifyEmail),
      resendVerification: resolve(ResendVerification),
    }),
};
