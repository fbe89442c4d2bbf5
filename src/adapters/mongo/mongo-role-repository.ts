import { type Collection } from 'mongodb';
import type { RoleRepository, SaveRoleResult } from '../../application/ports/role-repository.port';
import type { Role, RoleId } from '../../domain/roles/role';
import { ensureDeclaredIndexes } from './indexes';
import { type MongoDatabase } from './mongo-database';
import { isDuplicateKey } from './mongo-user-repository';
import { type RoleDocument, plain, withId } from './access.documents';

export class MongoRoleRepository implements RoleRepository {
  private readonly roles: Collection<RoleDocument>;
  constructor(database: MongoDatabase) {
    this.roles = database.db.collection<RoleDocument>('roles');
  }
  async ensureIndexes(): Promise<void> {
    await ensureDeclaredIndexes(this.roles, 'roles');
  }
  async findById(id: RoleId): Promise<Role | null> {
    const doc = await this.roles.findOne({ _id: id });
    return doc ? (withId(doc) as Role) : null;
  }
  async findByName(name: string): Promise<Role | null> {
    const doc = await this.roles.findOne({ name });
    return doc ? (withId(doc) as Role) : null;
  }
  async findByIds(ids: readonly string[]): Promise<Role[]> {
    if (ids.length === 0) return [];
    const docs = await this.roles.find({ _id: { $in: [...ids] } }).toArray();
    return docs.map((d) => withId(d) as Role);
  }
  async list(): Promise<Role[]> {
    return (await this.roles.find({}).sort({ name: 1 }).toArray()).map((d) => withId(d) as Role);
  }
  async insert(role: Role): Promise<SaveRoleResult> {
    const { id, ...rest } = role;
    try {
      await this.roles.insertOne({ _id: id, ...rest, permissions: plain(rest.permissions) });
      return 'saved';
    } catch (err) {
      if (isDuplicateKey(err)) return 'name-taken';
      throw err;
    }
  }
  async update(role: Role): Promise<SaveRoleResult> {
    const { id, createdAt: _c, ...rest } = role;
    try {
      const result = await this.roles.updateOne({ _id: id, version: role.version - 1 }, { $set: { ...rest, permissions: plain(rest.permissions) } });
      if (result.matchedCount === 1) return 'saved';
    } catch (err) {
      if (isDuplicateKey(err)) return 'name-taken';
      throw err;
    }
    return (await this.roles.countDocuments({ _id: id }, { limit: 1 })) === 0 ? 'not-found' : 'version-conflict';
  }
  async delete(id: RoleId): Promise<boolean> {
    return (await this.roles.deleteOne({ _id: id })).deletedCount === 1;
  }
}
