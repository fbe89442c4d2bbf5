import type * as BullBoardApi from '@bull-board/api';
import type * as BullBoardBullMq from '@bull-board/api/bullMQAdapter';
import type { Queue } from 'bullmq';
import { ContainerModule } from 'inversify';
import { adminRoutes, BOARD_PATH } from '../../adapters/http/admin/admin.routes';
import { NexusBoardAdapter } from '../../adapters/http/admin/board-adapter';
import { Authenticate } from '../../application/auth/authenticate';
import { Login } from '../../application/auth/login';
import { CompleteMfaLogin } from '../../application/auth/mfa/complete-mfa-login';
import { AuthorizeQueueDashboardAction, OpenQueueDashboard, RecordQueueDashboardAction } from '../../application/jobs/queue-dashboard';
import type { Logger } from '../../application/ports/logger.port';
import { EndOwnSession } from '../../application/sessions/end-own-session';
import { TYPES } from '../../application/symbols';
import { withoutSecrets } from '../../domain/jobs/job';
import { csrfSecretOf } from './auth.module';
import type { NexusModule } from './module';

/**
 * The BullMQ queues the dashboard shows, or null where the profile has none (embedded). Bound by
 * the composition root from the profile (see nexus.ts).
 */
export const BOARD_QUEUES = Symbol.for('nexus.BoardQueues');
export type BoardQueues = (() => readonly Queue[]) | null;

/** The queue dashboard at /admin/queues and its browser sign-in (adapters/http/admin). */
export const adminModule: NexusModule = {
  name: 'admin',
  bindings: new ContainerModule(({ bind }) => {
    for (const useCase of <const>[OpenQueueDashboard, AuthorizeQueueDashboardAction, RecordQueueDashboardAction]) bind<unknown>(useCase).toSelf();
  }),
  routes: (resolve, config) => {
    const queues = resolve<BoardQueues>(BOARD_QUEUES);
    return adminRoutes({
      login: resolve(Login),
      completeMfaLogin: resolve(CompleteMfaLogin),
      authenticate: resolve(Authenticate),
      endSession: resolve(EndOwnSession),
      openDashboard: resolve(OpenQueueDashboard),
      authorizeAction: resolve(AuthorizeQueueDashboardAction),
      recordAction: resolve(RecordQueueDashboardAction),
      board: queues ? lazyBoard(queues, resolve<Logger>(TYPES.Logger)) : null,
      secureCookies: config.env === 'production',
      csrfSecret: csrfSecretOf(config),
    });
  },
};

/**
 * bull-board, loaded by the first dashboard request and kept: a process nobody opens the
 * dashboard on never loads it (its API, its schemas and the queue adapters are several MB).
 * Job data is shown with secrets redacted, as the dead-letter API shows it; the dead-letter
 * queue is read-only here (its entries are retried through POST /api/jobs/dead-letter/:id/retry).
 */
const lazyBoard = (queues: () => readonly Queue[], logger: Logger): (() => Promise<NexusBoardAdapter>) => {
  let loading: Promise<NexusBoardAdapter> | undefined;
  const load = async (): Promise<NexusBoardAdapter> => {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (see above) */
    const { createBullBoard } = require('@bull-board/api') as typeof BullBoardApi;
    const { BullMQAdapter } = require('@bull-board/api/bullMQAdapter') as typeof BullBoardBullMq;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const adapter = new NexusBoardAdapter(BOARD_PATH);
    const boardQueues = queues().map((queue) => {
      const board = new BullMQAdapter(queue, { readOnlyMode: queue.name === 'dead-letter' });
      board.setFormatter('data', (data: unknown) => withoutSecrets(data));
      return board;
    });
    createBullBoard({ queues: boardQueues, serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Nexus queues' } } });
    logger.info('queue dashboard loaded', { queues: boardQueues.length });
    return adapter;
  };
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
};
