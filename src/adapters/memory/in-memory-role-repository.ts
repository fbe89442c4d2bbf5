import type { RoleRepository, SaveRoleResult } from '../../application/ports/role-repository.port';
import type { Role, RoleId } from '../../domain/roles/role';


export class InMemoryRoleRepository implements RoleRepository {
  private readonly roles = new Map<string, Role>();

  async findById(id: RoleId): Promise<Role | null> {
    const role = this.roles.get(id);
    return role ? structuredClone(role) : null;
  }
  async findByName(name: string): Promise<Role | null> {
    const role = [...this.roles.values()].find((r) => r.name === name);
    return role ? structuredClone(role) : null;
  }
  async findByIds(ids: readonly string[]): Promise<Role[]> {
    return ids.flatMap((id) => (this.roles.has(id) ? [structuredClone(this.roles.get(id)!)] : []));
  }
  async list(): Promise<Role[]> {
    return [...this.roles.values()].sort((a, b) => a.name.localeCompare(b.name)).map((v) => structuredClone(v));
  }
  async insert(role: Role): Promise<SaveRoleResult> {
    if ([...this.roles.values()].some((r) => r.name === role.name)) return 'name-taken';
    this.roles.set(role.id, structuredClone(role));
    return 'saved';
  }
  async update(role: Role): Promise<SaveRoleResult> {
    const stored = this.roles.get(role.id);
    if (!stored) return 'not-found';
    if (stored.version !== role.version - 1) return 'version-conflict';
    if ([...this.roles.values()].some((r) => r.name === role.name && r.id !== role.id)) return 'name-taken';
    this.roles.set(role.id, structuredClone(role));
    return 'saved';
  }
  async delete(id: RoleId): Promise<boolean> {
    return this.roles.delete(id);
  }
}
