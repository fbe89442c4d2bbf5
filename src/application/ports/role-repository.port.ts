import type { Role, RoleId } from '../../domain/roles/role';

export type SaveRoleResult = 'saved' | 'name-taken' | 'not-found' | 'version-conflict';

export interface RoleRepository {
  findById(id: RoleId): Promise<Role | null>;
  findByName(name: string): Promise<Role | null>;
  findByIds(ids: readonly string[]): Promise<Role[]>;
  list(): Promise<Role[]>;
  insert(role: Role): Promise<SaveRoleResult>;
  update(role: Role): Promise<SaveRoleResult>;
  delete(id: RoleId): Promise<boolean>;
}
