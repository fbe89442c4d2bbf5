import type { Cache } from './ports/cache.port';
import type { Logger } from './ports/logger.port';

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
  const cached = await cache.get<T>(key).catch((err: unknown) => {
    logger.warn('cache read failed; reading through', { key, error: String(err) });
    return undefined;
  });
  if (cached !== undefined) return cached;
  const value = await load();
  if (value !== null) {
    await cache.set(key, value, ttlSeconds).catch((err: unknown) => {
      logger.warn('cache write failed', { key, error: String(err) });
    });
  }
  return value;
};

/** Drops keys after a write. A failure is logged: the entry then lives until its TTL. */
export const invalidate = async (cache: Cache, logger: Logger, ...keys: string[]): Promise<void> => {
  await cache.delete(...keys).catch((err: unknown) => {
    logger.warn('cache invalidation failed; entries expire by TTL', { keys, error: String(err) });
  });
};
