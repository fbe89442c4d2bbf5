import { injectable } from 'inversify';
import type { Redis } from 'ioredis';
import type { Cache } from '../../application/ports/cache.port';

/** Cache on Redis: JSON values under a key prefix; prefix deletes walk the keys with SCAN, never KEYS. */
@injectable()
export class RedisCache implements Cache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'nexus:cache:',
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.redis.get(this.prefix + key);
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const pattern = escapeGlob(this.prefix + prefix) + '*';
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 250);
      cursor = next;
      if (keys.length > 0) removed += await this.redis.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}

const escapeGlob = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');
