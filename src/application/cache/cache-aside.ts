import type { Cache } from '../ports/cache.port';
import type { Logger } from '../ports/logger.port';

/**
 * Reads through the cache: a hit is returned, a miss (or any cache failure) loads from the
 * source and fills the cache. A broken cache never fails the read.
 */
export const cacheAside = async <T>(
  cache: Cache,
  logger: Logger,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T | null>,
): Promise<T | null> => {
  const [cached] = await peek(cache, logger, key);
  if (cached !== undefined) return cached as T;
  return loadAndFill(cache, logger, key, ttlSeconds, load);
};

/**
 * Reads several keys at once (sent together, so one round trip to a shared cache); a miss or a
 * failure is `undefined`. For callers that need entries of different kinds for one decision.
 */
export const peek = async (cache: Cache, logger: Logger, ...keys: string[]): Promise<unknown[]> => {
  // Settled together: no promise of its own per key to catch its failure (a read is on every request's path).
  const settled = await Promise.allSettled(keys.map((key) => cache.get<unknown>(key)));
  let failed: unknown;
  const values = settled.map((s) => {
    if (s.status === 'fulfilled') return s.value;
    failed = s.reason;
    return undefined;
  });
  if (failed !== undefined) logger.warn('cache read failed; reading through', { keys, error: String(failed) });
  return values;
};

/** The miss half of `cacheAside`: loads, and fills the cache when there is something to keep. */
export const loadAndFill = async <T>(cache: Cache, logger: Logger, key: string, ttlSeconds: number, load: () => Promise<T | null>): Promise<T | null> => {
  const value = await load();
  if (value !== null) await fill(cache, logger, key, value, ttlSeconds);
  return value;
};

/** Writes one entry. A failure is logged: the next read goes to the source. */
export const fill = async <T>(cache: Cache, logger: Logger, key: string, value: T, ttlSeconds: number): Promise<void> => {
  await cache.set(key, value, ttlSeconds).catch((err: unknown) => {
    logger.warn('cache write failed', { key, error: String(err) });
  });
};

/** Drops keys after a write. A failure is logged: the entry then lives until its TTL. */
export const invalidate = async (cache: Cache, logger: Logger, ...keys: string[]): Promise<void> => {
  await cache.delete(...keys).catch((err: unknown) => {
    logger.warn('cache invalidation failed; entries expire by TTL', { keys, error: String(err) });
  });
};
