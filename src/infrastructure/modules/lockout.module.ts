import { ContainerModule } from 'inversify';
import { lockoutRoutes } from '../../adapters/http/auth/lockout.routes';
import { AccountLockout } from '../../application/auth/account-lockout';
import type { LoginAttempts } from '../../application/auth/login-attempts';
import { UnlockAccount } from '../../application/auth/unlock-account';
import { TYPES } from '../../application/symbols';
import { type LockoutPolicy, lockoutPolicy } from '../../domain/auth/lockout';
import type { Config } from '../config/load-config';
import type { NexusModule } from './module';

/**
 * Account lockout: the `LoginAttempts` every login step reports to (on the profile's
 * `LoginLockStore`), and the administrator's unlock. Failures are counted within
 * `RATE_LIMIT_WINDOW_SECONDS`, the window the per-account limit it replaces used.
 */
export const lockoutModule: NexusModule = {
  name: 'lockout',
  bindings: new ContainerModule(({ bind }) => {
    bind<LockoutPolicy>(TYPES.LockoutPolicy).toResolvedValue(
      (config: Config) => lockoutPolicy({ threshold: config.account.lockThreshold, lockMinutes: config.account.lockMinutes, windowSeconds: config.rateLimit.windowSeconds }),
      [TYPES.Config],
    );
    bind(AccountLockout).toSelf().inSingletonScope();
    bind<LoginAttempts>(TYPES.LoginAttempts).toService(AccountLockout);
    bind(UnlockAccount).toSelf();
  }),
  routes: (resolve) => lockoutRoutes({ unlock: resolve(UnlockAccount) }),
};
