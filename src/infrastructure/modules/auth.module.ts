import { ContainerModule } from 'inversify';
import { randomBytes } from 'node:crypto';
import { authRoutes } from '../../adapters/http/auth/auth.routes';
import type { AccountSettings } from '../../application/auth/account-settings';
import { Authenticate } from '../../application/auth/authenticate';
import { ChangePassword } from '../../application/auth/change-password';
import { DescribeCaller } from '../../application/auth/describe-caller';
import { LiveSessions } from '../../application/auth/live-sessions';
import { Login } from '../../application/auth/login';
import { PasswordRules } from '../../application/auth/passwords';
import { Logout } from '../../application/auth/logout';
import { RefreshSession } from '../../application/auth/refresh-session';
import { RegisterUser } from '../../application/auth/register-user';
import { SeedAccess } from '../../application/auth/seed-access';
import { type AuthSettings, SessionIssuer } from '../../application/auth/sessions';
import type { SecretTokens } from '../../application/ports/secret-tokens.port';
import { TYPES } from '../../application/symbols';
import type { Config } from '../config/load-config';
import type { NexusModule } from './module';

export const authModule: NexusModule = {
  name: 'auth',
  bindings: new ContainerModule(({ bind }) => {
    bind<AccountSettings>(TYPES.AccountSettings).toResolvedValue((config: Config) => config.account, [TYPES.Config]);
    bind<AuthSettings>(TYPES.AuthSettings).toResolvedValue((config: Config) => ({ refreshTtlSeconds: config.auth.refreshTtlSeconds }), [TYPES.Config]);
    for (const useCase of <const>[PasswordRules, LiveSessions, SessionIssuer, Login, RefreshSession, Logout, ChangePassword, DescribeCaller, Authenticate, SeedAccess]) bind<unknown>(useCase).toSelf();
    bind(TYPES.RegisterUser).to(RegisterUser);
  }),
  routes: (resolve, config) =>
    authRoutes({
      register: resolve<RegisterUser>(TYPES.RegisterUser),
      login: resolve(Login),
      refresh: resolve(RefreshSession),
      logout: resolve(Logout),
      changePassword: resolve(ChangePassword),
      describeCaller: resolve(DescribeCaller),
      secrets: resolve<SecretTokens>(TYPES.SecretTokens),
      secureCookies: config.env === 'production',
      csrfSecret: csrfSecretOf(config),
    }),
};

const processCsrfSecrets = new WeakMap<Config, string>();
/**
 * The secret CSRF tokens are signed with: `JWT_SECRET`; without it (never in production) a random
 * one per Nexus, so CSRF tokens, like access tokens, die with the process. One value for every
 * module that sets session cookies (login, and the MFA step of a login).
 */
export const csrfSecretOf = (config: Config): string => {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  let secret = processCsrfSecrets.get(config);
  if (secret === undefined) processCsrfSecrets.set(config, (secret = randomBytes(32).toString('base64url')));
  return secret;
};
