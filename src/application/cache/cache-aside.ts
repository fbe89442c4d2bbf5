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
  // One read for all of them: this is on every authenticated request's path, where a get per key
  // cost an async call, a metered wrapper and an allSettled record each (README, fourth pass).
  try {
    return await cache.getMany(keys);
  } catch (err) {
    logger.warn('cache read failed; reading through', { keys, error: String(err) });
    return keys.map(() => undefined);
  }
};

/**
 * The miss half of `cacheAside`: loads, and fills the cache when there is something to keep.
 *
 * A write that lands between the load and the fill drops the key before the fill writes the value
 * loaded before it, which would then be served until its TTL (a suspension or a role change
 * ignored for minutes, on every instance). So after filling, the source is read once more: a
 * write whose invalidation came before the fill has reached the source by then, and one that
 * reaches it later drops the key after the fill. If the two loads differ the entry is dropped and
 * the later value returned. A miss costs two loads; a hit none.
 */
export const loadAndFill = async <T>(cache: Cache, logger: Logger, key: string, ttlSeconds: number, load: () => Promise<T | null>): Promise<T | null> => {
  const value = await load();
  if (value === null) return value;
  await fill(cache, logger, key, value, ttlSeconds);
  const settled = await load();
  if (JSON.stringify(settled) === JSON.stringify(value)) return value;
  await invalidate(cache, logger, key);
  return settled;
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
