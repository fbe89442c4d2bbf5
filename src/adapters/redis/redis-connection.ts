import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectOptions {
  /** Shown in `CLIENT LIST` and in our errors. */
  readonly name: string;
  readonly connectTimeoutMs?: number;
  /**
   * Request path clients fail a command at once while Redis is away, so a request gets a clear
   * error instead of waiting; blocking consumers (BullMQ workers) must instead wait and retry.
   */
  readonly failFast: boolean;
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
  try {
    await withTimeout(redis.connect(), timeout);
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${(err as Error).message}`);
  }
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
