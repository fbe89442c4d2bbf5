import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryApiKeyRepository } from '../../../../src/adapters/memory/in-memory-api-key-repository';
import { InMemoryAuditLog } from '../../../../src/adapters/memory/in-memory-audit-log';
import { InMemoryRefreshTokenStore } from '../../../../src/adapters/memory/in-memory-refresh-token-store';
import { InMemoryRoleRepository } from '../../../../src/adapters/memory/in-memory-role-repository';
import { InMemoryUnitOfWork } from '../../../../src/adapters/memory/in-memory-unit-of-work';
import { InMemoryCache } from '../../../../src/adapters/memory/in-memory-cache';
import { InMemoryUserRepository } from '../../../../src/adapters/memory/in-memory-user-repository';
import { InProcessJobQueue } from '../../../../src/adapters/memory/in-process-job-queue';
import { OutboxMailer } from '../../../../src/adapters/memory/outbox-mailer';
import { MemoryRateLimiter } from '../../../../src/adapters/rate-limit/memory-rate-limiter';
import { apiKeyRepositoryContract, auditLogContract, roleRepositoryContract } from '../../../contract/access.contract';
import { refreshTokenStoreContract } from '../../../contract/refresh-token-store.contract';
import { cacheContract } from '../../../contract/cache.contract';
import { jobQueueContract, RecordingAlerts } from '../../../contract/job-queue.contract';
import { meteredCacheContract } from '../../../contract/metered-cache.contract';
import { type DeliveredMail, mailerContract } from '../../../contract/mailer.contract';
import { rateLimiterContract } from '../../../contract/rate-limiter.contract';
import { unitOfWorkContract } from '../../../contract/unit-of-work.contract';
import { userRepositoryContract } from '../../../contract/user-repository.contract';
import { silentLogger } from '../../../support/logger';
import { SystemClock } from '../../../../src/adapters/system/system-clock';

userRepositoryContract('InMemoryUserRepository', async () => ({ repository: new InMemoryUserRepository() }));
roleRepositoryContract('InMemoryRoleRepository', async () => new InMemoryRoleRepository());
refreshTokenStoreContract('InMemoryRefreshTokenStore', async () => new InMemoryRefreshTokenStore());
apiKeyRepositoryContract('InMemoryApiKeyRepository', async () => new InMemoryApiKeyRepository());
auditLogContract('InMemoryAuditLog', async () => new InMemoryAuditLog());

cacheContract('InMemoryCache', async () => ({ cache: new InMemoryCache() }));
meteredCacheContract(
  'InMemoryCache',
  async () => ({ cache: new InMemoryCache() }),
  // Memory cannot be unreachable: this one fails every read as a broken store would.
  async () => ({
    cache: Object.assign(new InMemoryCache(), {
      get: () => Promise.reject(new Error('store unreachable')),
      getMany: () => Promise.reject(new Error('store unreachable')),
    }),
  }),
);

jobQueueContract('InProcessJobQueue', async ({ concurrency, retry }) => {
  const alerts = new RecordingAlerts();
  const queue = new InProcessJobQueue(silentLogger(), { concurrency, retry, clock: new SystemClock() }, alerts);
  return { queue, worker: queue, alerts, cleanup: () => queue.stop() };
});

rateLimiterContract('MemoryRateLimiter', async ({ limit, windowSeconds }) => ({ limiter: new MemoryRateLimiter(limit, windowSeconds, 'contract') }));

mailerContract('OutboxMailer (kept in memory)', async () => {
  const mailer = new OutboxMailer(silentLogger());
  const delivered = async (to: string): Promise<DeliveredMail[]> =>
    mailer.sent.filter((m) => m.to === to).map((m) => ({ to: m.to, subject: m.subject, text: m.text, messageId: m.messageId ?? '', ...(m.html === undefined ? {} : { html: m.html }) }));
  return { mailer, delivered };
});

/** Reads back the files OutboxMailer writes: `<name>.txt` (headers, a blank line, then the text) and, with an HTML part, `<name>.html`. */
const outboxFiles = async (folder: string): Promise<DeliveredMail[]> => {
  const all: string[] = await readdir(folder).catch((): string[] => []);
  const names = all.filter((f) => f.endsWith('.txt')).sort();
  return Promise.all(
    names.map(async (file) => {
      const content = await readFile(join(folder, file), 'utf8');
      const [head = '', ...body] = content.split('\n\n');
      const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(head)?.[1] ?? '';
      const htmlFile = file.replace(/\.txt$/, '.html');
      const html = all.includes(htmlFile) ? { html: await readFile(join(folder, htmlFile), 'utf8') } : {};
      return {
        to: header('To'),
        subject: header('Subject'),
        messageId: header('Message-ID'),
        text: body.join('\n\n').replace(/\n$/, ''),
        headers: head.split('\n').map((line) => line.slice(0, line.indexOf(':')).toLowerCase()),
        ...html,
      };
    }),
  );
};

mailerContract('OutboxMailer (written to OUTBOX_DIR)', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'nexus-outbox-'));
  const mailer = new OutboxMailer(silentLogger(), join(folder, 'not-yet-created'));
  return {
    mailer,
    delivered: async (to) => (await outboxFiles(join(folder, 'not-yet-created'))).filter((m) => m.to === to),
    cleanup: () => rm(folder, { recursive: true, force: true }),
  };
});

// Memory writes are never undone, so this unit of work is honest only in saying `atomic: false`.
unitOfWorkContract('InMemoryUnitOfWork', async () => ({ unitOfWork: new InMemoryUnitOfWork(), storeHasTransactions: false, log: new InMemoryAuditLog() }));
