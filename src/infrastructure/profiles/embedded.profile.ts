import { LogAlerts } from '../../adapters/alerts/log-alerts';
import { InMemoryAccountTokenStore } from '../../adapters/memory/in-memory-account-token-store';
import { MemoryRateLimiter } from '../../adapters/rate-limit/memory-rate-limiter';
import { InMemoryApiKeyRepository } from '../../adapters/memory/in-memory-api-key-repository';
import { InMemoryAuditLog } from '../../adapters/memory/in-memory-audit-log';
import { InMemoryRefreshTokenStore } from '../../adapters/memory/in-memory-refresh-token-store';
import { InMemoryRoleRepository } from '../../adapters/memory/in-memory-role-repository';
import { InMemoryUnitOfWork } from '../../adapters/memory/in-memory-unit-of-work';
import { InMemoryLeases } from '../../adapters/memory/in-memory-leases';
import { InMemoryMfaChallengeStore } from '../../adapters/memory/in-memory-mfa-challenge-store';
import { InMemoryMfaStore } from '../../adapters/memory/in-memory-mfa-store';
import { InMemoryOutboxStore } from '../../adapters/memory/in-memory-outbox';
import { InMemoryCache } from '../../adapters/memory/in-memory-cache';
import { InMemoryUserRepository } from '../../adapters/memory/in-memory-user-repository';
import { InProcessJobQueue } from '../../adapters/memory/in-process-job-queue';
import { MemoryLoginLocks } from '../../adapters/lockout/memory-login-locks';
import { MeteredCache } from '../../adapters/metrics/prometheus-metrics';
import type { Adapters } from './adapters';
import { ACCOUNT_MAIL_WINDOW_SECONDS, Closers, mailerFor, memoryRateLimits, processAdapters, type Profile, type ProfileInputs } from './shared';

/** Everything in this process's memory: nothing to install, everything gone when it exits. */
export const embeddedProfile = (inputs: ProfileInputs): Profile => {
  const { config, logger, given } = inputs;
  const closers = new Closers(logger);
  const base = processAdapters(inputs);
  const queue = new InProcessJobQueue(logger, { retry: config.jobs.retry, concurrency: config.jobs.concurrency, clock: base.clock }, new LogAlerts(logger));
  const jobQueue = given.jobQueue ?? queue;
  const adapters: Adapters = {
    ...base,
    users: new InMemoryUserRepository(),
    roles: new InMemoryRoleRepository(),
    refreshTokens: new InMemoryRefreshTokenStore(),
    apiKeys: new InMemoryApiKeyRepository(),
    auditLog: new InMemoryAuditLog(),
    unitOfWork: new InMemoryUnitOfWork(),
    leases: new InMemoryLeases(),
    outbox: new InMemoryOutboxStore(),
    mfa: new InMemoryMfaStore(),
    mfaChallenges: new InMemoryMfaChallengeStore(),
    cache: new MeteredCache(new InMemoryCache(), base.metrics),
    jobQueue,
    // The embedded API is its own worker.
    jobWorker: queue,
    mailer: mailerFor(inputs, closers),
    rateLimits: memoryRateLimits(config),
    accountTokens: new InMemoryAccountTokenStore(),
    accountMailLimiter: new MemoryRateLimiter(1, ACCOUNT_MAIL_WINDOW_SECONDS, 'account-mail'),
    loginLocks: new MemoryLoginLocks(),
    healthChecks: [
      { name: 'database', check: async () => undefined },
      { name: 'cache', check: async () => undefined },
      { name: 'queue', check: () => jobQueue.ping() },
    ],
    ...given,
  };
  return { adapters, close: () => closers.closeAll() };
};
