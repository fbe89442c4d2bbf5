import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../application/ports/logger.port';

export interface RedisConnectOptions {
  /** Shown in `CLIENT LIST` and in our errors. */
  readonly name: string;
  readonly connectTimeoutMs?: number;
  /**
   * Request path clients fail a command at once while Redis is away, so a request gets a clear
   * error instead of waiting; blocking consumers (BullMQ workers) must instead wait and retry.
   */
  readonly failFast: boolean;
  /** Told once when a ready connection is lost and once when it is back. */
  readonly logger?: Logger;
}

/** Connects and waits until Redis answers, or rejects with a message that names the server. */
export const connectRedis = async (url: string, options: RedisConnectOptions): Promise<Redis> => {
  const timeout = options.connectTimeoutMs ?? 5000;
  const redisOptions: RedisOptions = {
    connectionName: `nexus-${options.name}`,
    lazyConnect: true,
    connectTimeout: timeout,
    enableOfflineQueue: !options.failFast,
    maxRetriesPerRequest: options.failFast ? 1 : null,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  const redis = new Redis(url, redisOptions);
  // Without a listener ioredis prints every reconnect error to stderr; our health checks report them.
  redis.on('error', () => undefined);
  if (options.logger) logTransitions(redis, options.name, options.logger);
  try {
    await withTimeout(redis.connect(), timeout);
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${(err as Error).message}`);
  }
};

/**
 * One line when a ready connection drops (ioredis starts reconnecting), one when it is ready
 * again: not one per retry, and nothing for a close we asked for or a failed first connect.
 */
const logTransitions = (redis: Redis, name: string, logger: Logger): void => {
  let wasReady = false;
  let lost = false;
  let lastError: string | undefined;
  redis.on('error', (err: Error) => void (lastError = err.message));
  redis.on('reconnecting', () => {
    if (!wasReady || lost) return;
    lost = true;
    logger.warn('Redis connection lost; reconnecting', { connection: name, ...(lastError ? { error: lastError } : {}) });
  });
  redis.on('ready', () => {
    wasReady = true;
    if (!lost) return;
    lost = false;
    logger.info('Redis connection is back', { connection: name });
  });
};

export const redactRedisUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

/**
 * ioredis' errors that mean "Redis does not answer" (closed or refused connection, retries used
 * up, offline queue off), as opposed to a command Redis refused.
 */
export const isRedisOutage = (err: unknown): boolean => {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    /Connection is closed|Stream isn't writeable|enableOfflineQueue options is false/i.test(err.message)
  );
};
