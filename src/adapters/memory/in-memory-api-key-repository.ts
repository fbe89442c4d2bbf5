import type { ApiKeyRepository } from '../../application/ports/api-key-repository.port';
import type { ApiKey } from '../../domain/api-keys/api-key';

export class InMemoryApiKeyRepository implements ApiKeyRepository {
  private readonly keys = new Map<string, ApiKey>();

  async insert(key: ApiKey): Promise<void> {
    this.keys.set(key.id, structuredClone(key));
  }
  async findById(id: string): Promise<ApiKey | null> {
    const key = this.keys.get(id);
    return key ? structuredClone(key) : null;
  }
  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const key = [...this.keys.values()].find((k) => k.keyHash === keyHash);
    return key ? structuredClone(key) : null;
  }
  async listByOwner(ownerId: string): Promise<ApiKey[]> {
    return [...this.keys.values()].filter((k) => k.ownerId === ownerId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((v) => structuredClone(v));
  }
  async revoke(id: string, at: Date): Promise<boolean> {
    const key = this.keys.get(id);
    if (!key || key.revokedAt) return false;
    this.keys.set(id, { ...key, revokedAt: at });
    return true;
  }
  async revokeForOwner(ownerId: string, at: Date): Promise<number> {
    let n = 0;
    for (const key of this.keys.values()) {
      if (key.ownerId === ownerId && !key.revokedAt) {
        this.keys.set(key.id, { ...key, revokedAt: at });
        n += 1;
      }
    }
    return n;
  }
  async touch(id: string, at: Date): Promise<void> {
    const key = this.keys.get(id);
    if (key) this.keys.set(id, { ...key, lastUsedAt: at });
  }
}
