import { injectable } from 'inversify';
import { deepFreeze } from '../../application/cache/deep-freeze';
import type { Cache } from '../../application/ports/cache.port';

interface Entry {
  /** The value as JSON would give it back, deeply frozen. */
  readonly value: unknown;
  readonly expiresAt: number;
}

/**
 * An in-process cache. A value goes through JSON once, when it is stored, exactly as through
 * the Redis adapter, so a value read back has the same shape in both profiles (dates come back
 * as strings). It is kept deeply frozen and every reader gets that one copy, as the production
 * profile's first level (TwoLevelCache) hands out its frozen copies: no reader can change what
 * another reads, and a read costs no parsing.
 */
@injectable()
export class InMemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  async get<T>(key: string): Promise<T | undefined> {
    return this.read(key, Date.now()) as T | undefined;
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    const now = Date.now();
    return keys.map((key) => this.read(key, now));
  }

  private read(key: string, now: number): unknown {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest write.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const json = JSON.stringify(value) as string | undefined;
    this.entries.set(key, { value: json === undefined ? undefined : deepFreeze(JSON.parse(json) as unknown), expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let removed = 0;
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix)) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  async ping(): Promise<void> {}
}
