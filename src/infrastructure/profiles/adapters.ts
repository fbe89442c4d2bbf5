import type { Container } from 'inversify';
import type { RateLimits } from '../../adapters/http/middleware/rate-limit';
import type { MetricsSource } from '../../adapters/http/metrics.routes';
import type { ApiKeyRepository } from '../../application/ports/api-key-repository.port';
import type { AuditLog } from '../../application/ports/audit-log.port';
import type { Cache } from '../../application/ports/cache.port';
import type { Clock } from '../../application/ports/clock.port';
import type { HealthCheck } from '../../application/ports/health-check.port';
import type { IdGenerator } from '../../application/ports/id-generator.port';
import type { JobQueue, JobWorker } from '../../application/ports/job-queue.port';
import type { Leases } from '../../application/ports/leases.port';
import type { LoginLockStore } from '../../application/ports/login-lock-store.port';
import type { Mailer } from '../../application/ports/mailer.port';
import type { MfaChallengeStore } from '../../application/ports/mfa-challenge-store.port';
import type { MfaStore } from '../../application/ports/mfa-store.port';
import type { MailTemplates } from '../../application/ports/mail-templates.port';
import type { Metrics } from '../../application/ports/metrics.port';
import type { OutboxStore } from '../../application/ports/outbox.port';
import type { RefreshTokenStore } from '../../application/ports/refresh-token-store.port';
import type { RoleRepository } from '../../application/ports/role-repository.port';
import type { AccessTokens } from '../../application/ports/access-tokens.port';
import type { AccountTokenStore } from '../../application/ports/account-token-store.port';
import type { RateLimiter } from '../../application/ports/rate-limiter.port';
import type { PasswordHasher } from '../../application/ports/password-hasher.port';
import type { PasswordStrength } from '../../application/ports/password-strength.port';
import type { SecretBox } from '../../application/ports/secret-box.port';
import type { SecretTokens } from '../../application/ports/secret-tokens.port';
import type { Totp } from '../../application/ports/totp.port';
import type { UnitOfWork } from '../../application/ports/unit-of-work.port';
import type { UserRepository } from '../../application/ports/user-repository.port';
import { TYPES } from '../../application/symbols';

/**
 * Every driven adapter Nexus needs, one key per port. A profile is one value of this type, so a
 * profile that forgets a port does not compile; tests and embedders swap any of them with
 * `adapters: Partial<Adapters>`.
 */
export interface Adapters {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: Metrics & MetricsSource;
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly refreshTokens: RefreshTokenStore;
  readonly apiKeys: ApiKeyRepository;
  readonly auditLog: AuditLog;
  readonly unitOfWork: UnitOfWork;
  readonly leases: Leases;
  readonly outbox: OutboxStore;
  readonly cache: Cache;
  readonly jobQueue: JobQueue;
  /** Null where this process does not run jobs (an API process of the production profile). */
  readonly jobWorker: JobWorker | null;
  readonly mailer: Mailer;
  readonly rateLimits: RateLimits;
  /** One-time tokens of account links (password reset, e-mail verification). */
  readonly accountTokens: AccountTokenStore;
  /** At most one account e-mail of a kind per user a minute (reset, verification re-send), across instances. */
  readonly accountMailLimiter: RateLimiter;
  /** Account lockout state, shared by every API process. */
  readonly loginLocks: LoginLockStore;
  readonly healthChecks: readonly HealthCheck[];
  readonly passwordHasher: PasswordHasher;
  readonly passwordStrength: PasswordStrength;
  readonly accessTokens: AccessTokens;
  readonly secretTokens: SecretTokens;
  readonly mfa: MfaStore;
  readonly mfaChallenges: MfaChallengeStore;
  readonly secretBox: SecretBox;
  readonly totp: Totp;
  readonly mailTemplates: MailTemplates;
}

/** The container identifier of each port: a key missing here is a compile error too. */
const PORT_IDS: { readonly [K in keyof Adapters]-?: symbol } = {
  clock: TYPES.Clock,
  ids: TYPES.IdGenerator,
  metrics: TYPES.Metrics,
  users: TYPES.UserRepository,
  roles: TYPES.RoleRepository,
  refreshTokens: TYPES.RefreshTokenStore,
  apiKeys: TYPES.ApiKeyRepository,
  auditLog: TYPES.AuditLog,
  unitOfWork: TYPES.UnitOfWork,
  leases: TYPES.Leases,
  outbox: TYPES.OutboxStore,
  cache: TYPES.Cache,
  jobQueue: TYPES.JobQueue,
  jobWorker: TYPES.JobWorker,
  mailer: TYPES.Mailer,
  rateLimits: TYPES.RateLimits,
  accountTokens: TYPES.AccountTokenStore,
  accountMailLimiter: TYPES.AccountMailLimiter,
  loginLocks: TYPES.LoginLockStore,
  healthChecks: TYPES.HealthChecks,
  passwordHasher: TYPES.PasswordHasher,
  passwordStrength: TYPES.PasswordStrength,
  accessTokens: TYPES.AccessTokens,
  secretTokens: TYPES.SecretTokens,
  mfa: TYPES.MfaStore,
  mfaChallenges: TYPES.MfaChallengeStore,
  secretBox: TYPES.SecretBox,
  totp: TYPES.Totp,
  mailTemplates: TYPES.MailTemplates,
};

export const bindAdapters = (container: Container, adapters: Adapters): void => {
  for (const key of Object.keys(PORT_IDS) as (keyof Adapters)[]) {
    container.bind(PORT_IDS[key]).toConstantValue(adapters[key]);
  }
};
