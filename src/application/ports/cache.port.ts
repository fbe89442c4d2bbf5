/**
 * A shared cache of JSON values. A cache is an optimisation: callers treat any failure as a miss
 * (see `cacheAside`), so an outage costs speed, never correctness.
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Several keys in one read (one round trip to a shared cache), each answer in its key's place,
   * `undefined` for a miss. Fails as a whole: a reader treats that as a miss of every key.
   */
  getMany(keys: readonly string[]): Promise<unknown[]>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Removes every key that starts with `prefix` (incrementally; never blocks the server). */
  deleteByPrefix(prefix: string): Promise<number>;
  ping(): Promise<void>;
}
