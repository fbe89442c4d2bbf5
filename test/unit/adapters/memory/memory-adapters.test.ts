import { InMemoryApiKeyRepository, InMemoryAuditLog, InMemoryRefreshTokenStore, InMemoryRoleRepository } from '../../../../src/adapters/memory/in-memory-access';
import { InMemoryCache } from '../../../../src/adapters/memory/in-memory-cache';
import { InMemoryUserRepository } from '../../../../src/adapters/memory/in-memory-user-repository';
import { InProcessJobQueue } from '../../../../src/adapters/memory/in-process-job-queue';
import { apiKeyRepositoryContract, auditLogContract, refreshTokenStoreContract, roleRepositoryContract } from '../../../contract/access.contract';
import { cacheContract } from '../../../contract/cache.contract';
import { jobQueueContract, RecordingAlerts } from '../../../contract/job-queue.contract';
import { userRepositoryContract } from '../../../contract/user-repository.contract';
import { silentLogger } from '../../../support/logger';
import { SystemClock } from '../../../../src/adapters/system/system-clock';

userRepositoryContract('InMemoryUserRepository', async () => ({ repository: new InMemoryUserRepository() }));
roleRepositoryContract('InMemoryRoleRepository', async () => new InMemoryRoleRepository());
refreshTokenStoreContract('InMemoryRefreshTokenStore', async () => new InMemoryRefreshTokenStore());
apiKeyRepositoryContract('InMemoryApiKeyRepository', async () => new InMemoryApiKeyRepository());
auditLogContract('InMemoryAuditLog', async () => new InMemoryAuditLog());

cacheContract('InMemoryCache', async () => ({ cache: new InMemoryCache() }));

jobQueueContract('InProcessJobQueue', async ({ concurrency, retry }) => {
  const alerts = new RecordingAlerts();
  const queue = new InProcessJobQueue(silentLogger(), { concurrency, retry, clock: new SystemClock() }, alerts);
  return { queue, worker: queue, alerts, cleanup: () => queue.stop() };
});
