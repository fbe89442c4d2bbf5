import type { Cache } from '../ports/cache.port';
import type { CacheInvalidations, Invalidation } from '../ports/cache-invalidations.port';
import { deepFreeze } from './deep-freeze';

export interface TwoLevelCacheOptions {
  /** How long an in-process copy may be served (ms); 0 turns the first level off. */
  readonly ttlMs: number;
  /** How many copies it keeps; the least recently used goes first. */
  readonly maxEntries: number;
  /** A millisecond clock (tests pass their own). */
  readonly now?: () => number;
}

interface Entry {
  /** The shared cache's answer, frozen (`undefined` for a miss: a miss is kept too). */
  readonly value: unknown;
  readonly expiresAt: number;
}

/** What the first level did, for tests and the bench. */
export interface TwoLevelStats {
  hits: number;
  misses: number;
  bypassed: number;
  dropped: number;
}

/**
 * A short-lived in-process copy (first level) in front of the shared cache (second level), so
 * a warm read asks nothing of Redis. What keeps it correct across instances:
 *
 * - every write (`set`, `delete`, `deleteByPrefix`) goes to the shared cache first, then drops
 *   the keys here and is announced to every other instance, whose listener drops them too;
 * - a copy is only ever taken from a read of the shared cache, never from a write, and only if
 *   no invalidation (here or announced) and no loss of hearing came between the read's start
 *   and its answer (an epoch counter), so a read racing a write cannot keep what the write
 *   replaced;
 * - while invalidations cannot be heard (the subscription is down or reconnecting) the first
 *   level is emptied and bypassed: a missed announcement can never keep a revoked session, a
 *   suspended user or a removed permission alive;
 * - every copy lives at most `ttlMs` (default 1 s), a bound even for an announcement that could
 *   not be sent; the table holds at most `maxEntries`, least recently used out first.
 *
 * Misses are kept too (the revoked-session mark is absent on almost every request), and a
 * write of a key is announced like a delete, so other instances drop a kept miss.
 * Values are frozen: every reader shares one copy.
 */
export class TwoLevelCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation and every change of hearing: a read that saw it change keeps nothing. */
  private epoch = 0;
  private hearing: boolean;
  private readonly now: () => number;
  readonly stats: TwoLevelStats = { hits: 0, misses: 0, bypassed: 0, dropped: 0 };

  constructor(
    private readonly shared: Cache,
    private readonly invalidations: CacheInvalidations,
    private readonly options: TwoLevelCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.hearing = invalidations.up;
    invalidations.listen({
      invalidated: (inv) => this.drop(inv),
      hearing: (up) => {
        this.epoch += 1;
        this.hearing = up;
        if (!up) this.entries.clear();
      },
    });
  }

  /** Whether reads may use the first level now. */
  get active(): boolean {
    return this.options.ttlMs > 0 && this.hearing && this.invalidations.up;
  }

  /** How many copies it holds (for tests). */
  get size(): number {
    return this.entries.size;
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!this.active) {
      if (this.entries.size > 0) this.entries.clear();
      this.stats.bypassed += 1;
      return this.shared.get<T>(key);
    }
    const held = this.held(key, this.now());
    if (held !== undefined) return held.value as T | undefined;
    const epoch = this.epoch;
    const value = await this.shared.get<T>(key);
    if (epoch === this.epoch && this.active) this.keep(key, value, this.now());
    return value;
  }

  /** As `get`, key by key: the keys held here are answered here, the rest in one read of the shared cache. */
  async getMany(keys: readonly string[]): Promise<unknown[]> {
    if (!this.active) {
      if (this.entries.size > 0) this.entries.clear();
      this.stats.bypassed += keys.length;
      return this.shared.getMany(keys);
    }
    const now = this.now();
    const values: unknown[] = [];
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const held = this.held(key, now);
      if (held !== undefined) values[i] = held.value;
      else missing.push(i);
    });
    if (missing.length === 0) return values;
    const epoch = this.epoch;
    const read = await this.shared.getMany(missing.map((i) => keys[i]!));
    const keep = epoch === this.epoch && this.active;
    const at = this.now();
    missing.forEach((i, j) => {
      values[i] = read[j];
      if (keep) this.keep(keys[i]!, read[j], at);
    });
    return values;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.written({ keys: [key], prefixes: [] }, () => this.shared.set(key, value, ttlSeconds));
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.written({ keys, prefixes: [] }, () => this.shared.delete(...keys));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let removed = 0;
    await this.written({ keys: [], prefixes: [prefix] }, async () => {
      removed = await this.shared.deleteByPrefix(prefix);
    });
    return removed;
  }

  ping(): Promise<void> {
    return this.shared.ping();
  }

  /**
   * The shared cache first, then here and everywhere else: announcing before the shared cache
   * changed would let another instance re-read the old value and keep it. The keys are dropped
   * here and announced even when the write failed (it may have landed); a failure rejects
   * (the write's first), and copies an announcement could not reach end with their TTL.
   */
  private async written(inv: Invalidation, write: () => Promise<void>): Promise<void> {
    let failure: { error: unknown } | undefined;
    try {
      await write();
    } catch (error) {
      failure = { error };
    }
    this.drop(inv);
    try {
      await this.invalidations.publish(inv);
    } catch (error) {
      failure ??= { error };
    }
    if (failure) throw failure.error;
  }

  /** A live copy of `key` (counted as a hit, and made the most recent), or undefined (counted as a miss). */
  private held(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      if (entry.expiresAt > now) {
        // Re-inserted: the Map's order is the recency order.
        this.entries.set(key, entry);
        this.stats.hits += 1;
        return entry;
      }
    }
    this.stats.misses += 1;
    return undefined;
  }

  private drop(inv: Invalidation): void {
    this.epoch += 1;
    for (const key of inv.keys) if (this.entries.delete(key)) this.stats.dropped += 1;
    if (inv.prefixes.length === 0 || this.entries.size === 0) return;
    for (const key of [...this.entries.keys()]) {
      if (inv.prefixes.some((p) => key.startsWith(p))) {
        this.entries.delete(key);
        this.stats.dropped += 1;
      }
    }
  }

  private keep(key: string, value: unknown, now: number): void {
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
      if (this.options.maxEntries <= 0) return;
    }
    this.entries.set(key, { value: deepFreeze(value), expiresAt: now + this.options.ttlMs });
  }
}
