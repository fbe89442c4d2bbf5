import type { ApiKey } from '../../domain/api-keys/api-key';

export interface ApiKeyRepository {
  insert(key: ApiKey): Promise<void>;
  findById(id: string): Promise<ApiKey | null>;
  findByHash(keyHash: string): Promise<ApiKey | null>;
  listByOwner(ownerId: string): Promise<ApiKey[]>;
  revoke(id: string, at: Date): Promise<boolean>;
  /** Revokes every live key of an owner; how many were revoked. */
  revokeForOwner(ownerId: string, at: Date): Promise<number>;
  touch(id: string, at: Date): Promise<void>;
}
