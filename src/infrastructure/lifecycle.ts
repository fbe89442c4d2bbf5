import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
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

interface Connection {
  busy: number;
  served: number;
  idleSince: number;
}

/**
 * Drains an HTTP server on shutdown without cutting or resetting a request:
 * 1. `start()`: readiness answers 503 (`isDraining`), so a balancer stops routing here; requests
 *    are still served as usual meanwhile (SHUTDOWN_DRAIN_MS);
 * 2. `close()`: stops accepting connections (a new one is refused cleanly), and from that same
 *    instant every response, including those of requests already in flight, carries
 *    `Connection: close`, so a keep-alive client sends its next request on a new connection,
 *    which is refused, never on one being closed. Requests in flight finish. A connection left
 *    idle is closed when the keep-alive timeout the server announced (`Keep-Alive: timeout=5`)
 *    runs out (clients drop theirs a second before, so none is caught sending), one that never
 *    carried a request after `firstRequestGraceMs`.
 * Node's own `server.close()` drops idle keep-alive sockets at once, racing the request a client
 * may be writing on one (ECONNRESET); telling clients to close first, while still listening,
 * sends them back to reconnect to this very server, racing the listener's close instead.
 */
export class HttpDrain {
  private draining = false;
  private closing = false;
  private server: Server | undefined;
  private readonly connections = new Map<Socket, Connection>();
  private readonly inFlight = new Set<ServerResponse>();

  constructor(private readonly firstRequestGraceMs = 1000) {}

  /** For readiness: true from `start()` on. */
  readonly isDraining = (): boolean => this.draining;

  /** Follows `server`'s connections and requests; call before it accepts any. */
  track(server: Server): Server {
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { busy: 0, served: 0, idleSince: Date.now() });
      socket.once('close', () => this.connections.delete(socket));
    });
    server.prependListener('request', (req, res: ServerResponse) => {
      const connection = this.connections.get(req.socket);
      if (connection) connection.busy++;
      this.inFlight.add(res);
      if (this.closing) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.inFlight.delete(res);
        if (connection) {
          connection.busy--;
          connection.served++;
          connection.idleSince = Date.now();
        }
      });
    });
    return server;
  }

  start(): void {
    this.draining = true;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.start();
    return new Promise((resolve, reject) => {
      // net.Server#close: stop accepting, and call back once every connection has closed.
      NetServer.prototype.close.call(server, (err?: Error) => {
        clearInterval(sweep);
        if (err) reject(err);
        else resolve();
      });
      this.closing = true;
      for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const sweep = setInterval(() => this.closeIdle(server.keepAliveTimeout), 100);
      sweep.unref();
    });
  }

  private closeIdle(keepAliveTimeoutMs: number): void {
    const now = Date.now();
    for (const [socket, c] of this.connections) {
      if (c.busy > 0) continue;
      const limit = c.served === 0 ? this.firstRequestGraceMs : keepAliveTimeoutMs;
      if (now - c.idleSince >= limit) socket.destroy();
    }
  }
}

/** Reports a start-up failure in one clear line and exits with a code that says which kind. */
export const failStartup = (logger: Logger | undefined, message: string, exitCode: number): never => {
  exitStartup(logger, message, exitCode);
  throw new StartupFailed(message);
};

/** As `failStartup`, without throwing: for event handlers, where a throw would print a stack trace. */
export const exitStartup = (logger: Logger | undefined, message: string, exitCode: number): void => {
  if (logger) logger.error(message);
  else process.stderr.write(`${message}\n`);
  // Let the logger flush before exiting.
  setTimeout(() => process.exit(exitCode), 50);
};

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use (another Nexus, or another program, listens there)',
  EACCES: 'permission denied (ports below 1024 need privileges; choose a higher port)',
  EADDRNOTAVAIL: 'the address is not one of this machine\'s (check HOST)',
};

/**
 * Makes a listen failure of `server` (a port in use, above all) one clear line and exit 69,
 * naming what listens there and the variable that sets its port; no stack trace.
 */
export const exitIfCannotListen = <S extends NetServer>(server: S, what: string, logger: Logger): S => {
  server.on('error', (err: NodeJS.ErrnoException & { address?: string; port?: number }) => {
    if (server.listening) {
      logger.error(`${what} failed`, { error: err.message });
      return;
    }
    const where = err.port === undefined ? '' : ` on ${err.address ?? ''}:${err.port}`;
    exitStartup(logger, `cannot listen${where} for ${what}: ${(err.code && LISTEN_ERRORS[err.code]) ?? err.message}`, EXIT_UNAVAILABLE);
  });
  return server;
};

export class StartupFailed extends Error {
  override readonly name = 'StartupFailed';
}

export const EXIT_CONFIG = 78; // EX_CONFIG from sysexits.h
export const EXIT_UNAVAILABLE = 69; // EX_UNAVAILABLE
