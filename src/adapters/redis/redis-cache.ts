import { injectable } from 'inversify';
import type { Cache } from '../../application/ports/cache.port';
import { everyMaster, readKeys, type RedisClient, removeKeys } from './redis-connection';

/**
 * Cache on Redis: JSON values under a key prefix; prefix deletes walk the keys with SCAN, never KEYS.
 * On a Redis Cluster the SCAN runs on every master (each holds its own slots' keys) and keys are
 * removed one slot at a time (redis-connection.ts: `everyMaster`, `removeKeys`); a master this
 * client cannot reach fails the call rather than leaving its keys behind.
 */
@injectable()
export class RedisCache implements Cache {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'nexus:cache:',
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.redis.get(this.prefix + key);
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async getMany(keys: readonly string[]): Promise<unknown[]> {
    const found = await readKeys(this.redis, keys.map((k) => this.prefix + k));
    return found.map((json) => (json === null ? undefined : (JSON.parse(json) as unknown)));
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(...keys: string[]): Promise<void> {
    await removeKeys(this.redis, keys.map((k) => this.prefix + k));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const pattern = escapeGlob(this.prefix + prefix) + '*';
    let removed = 0;
    for (const node of await everyMaster(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 250);
        cursor = next;
        removed += await removeKeys(this.redis, keys, 'unlink');
      } while (cursor !== '0');
    }
    return removed;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}

const escapeGlob = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');
