import type { Server } from 'node:http';
import type { Logger } from '../application/ports/logger.port';

export type ShutdownStep = { readonly name: string; readonly run: () => Promise<void> };

/**
 * On SIGTERM or SIGINT, runs the steps in order (stop accepting, drain, close pools) and exits 0;
 * if they take longer than `timeoutMs`, exits 1 so an orchestrator is never left waiting. A
 * second signal exits at once.
 */
export const onShutdown = (logger: Logger, timeoutMs: number, steps: readonly ShutdownStep[]): void => {
  let shuttingDown = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    shuttingDown = true;
    logger.info('shutting down', { signal, timeoutMs });
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting', { timeoutMs });
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    for (const step of steps) {
      try {
        await step.run();
        logger.debug('shutdown step done', { step: step.name });
      } catch (err) {
        logger.error('shutdown step failed', { step: step.name, error: (err as Error).message });
      }
    }
    clearTimeout(deadline);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
};

/** Stops accepting connections and resolves when every in-flight request has been answered. */
export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Idle keep-alive sockets would otherwise hold `close` open until they time out.
    server.closeIdleConnections();
  });

/** Reports a start-up failure in one clear line and exits with a code that says which kind. */
export const failStartup = (logger: Logger | undefined, message: string, exitCode: number): never => {
  if (logger) logger.error(message);
  else process.stderr.write(`${message}\n`);
  // Let the logger flush before exiting.
  setTimeout(() => process.exit(exitCode), 50);
  throw new StartupFailed(message);
};

export class StartupFailed extends Error {
  override readonly name = 'StartupFailed';
}

export const EXIT_CONFIG = 78; // EX_CONFIG from sysexits.h
export const EXIT_UNAVAILABLE = 69; // EX_UNAVAILABLE
