import { type Collection } from 'mongodb';
import type { ApiKeyRepository } from '../../application/ports/api-key-repository.port';
import type { ApiKey } from '../../domain/api-keys/api-key';
import { ensureDeclaredIndexes } from './indexes';
import { type MongoDatabase } from './mongo-database';
import { type ApiKeyDocument, plain, withId } from './access.documents';

export class MongoApiKeyRepository implements ApiKeyRepository {
  private readonly keys: Collection<ApiKeyDocument>;
  constructor(database: MongoDatabase) {
    this.keys = database.db.collection<ApiKeyDocument>('api_keys');
  }
  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.keys, 'api_keys');
  }
  async insert(key: ApiKey): Promise<void> {
    const { id, ...rest } = key;
    await this.keys.insertOne({ _id: id, ...rest, permissions: plain(rest.permissions) });
  }
  async findById(id: string): Promise<ApiKey | null> {
    const doc = await this.keys.findOne({ _id: id });
    return doc ? (withId(doc) as ApiKey) : null;
  }
  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const doc = await this.keys.findOne({ keyHash });
    return doc ? (withId(doc) as ApiKey) : null;
  }
  async listByOwner(ownerId: string): Promise<ApiKey[]> {
    return (await this.keys.find({ ownerId }).sort({ createdAt: -1 }).toArray()).map((d) => withId(d) as ApiKey);
  }
  async revoke(id: string, at: Date): Promise<boolean> {
    return (await this.keys.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount === 1;
  }
  async revokeForOwner(ownerId: string, at: Date): Promise<number> {
    return (await this.keys.updateMany({ ownerId, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount;
  }
  async touch(id: string, at: Date): Promise<void> {
    await this.keys.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
  }
}
