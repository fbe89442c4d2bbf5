import type { ApiKeyRepository } from '../../application/ports/api-key-repository.port';
import type { AuditLog, AuditQuery } from '../../application/ports/audit-log.port';
import type { RefreshTokenStore } from '../../application/ports/refresh-token-store.port';
import type { RoleRepository, SaveRoleResult } from '../../application/ports/role-repository.port';
import type { Tx, UnitOfWork } from '../../application/ports/unit-of-work.port';
import type { ApiKey } from '../../domain/api-keys/api-key';
import type { AuditEntry } from '../../domain/audit/audit-entry';
import type { RefreshSession, SessionStatus } from '../../domain/auth/session';
import type { Role, RoleId } from '../../domain/roles/role';

const copy = <T>(v: T): T => structuredClone(v);

export class InMemoryRoleRepository implements RoleRepository {
  private readonly roles = new Map<string, Role>();

  async findById(id: RoleId): Promise<Role | null> {
    const role = this.roles.get(id);
    return role ? copy(role) : null;
  }
  async findByName(name: string): Promise<Role | null> {
    const role = [...this.roles.values()].find((r) => r.name === name);
    return role ? copy(role) : null;
  }
  async findByIds(ids: readonly string[]): Promise<Role[]> {
    return ids.flatMap((id) => (this.roles.has(id) ? [copy(this.roles.get(id)!)] : []));
  }
  async list(): Promise<Role[]> {
    return [...this.roles.values()].sort((a, b) => a.name.localeCompare(b.name)).map(copy);
  }
  async insert(role: Role): Promise<SaveRoleResult> {
    if ([...this.roles.values()].some((r) => r.name === role.name)) return 'name-taken';
    this.roles.set(role.id, copy(role));
    return 'saved';
  }
  async update(role: Role): Promise<SaveRoleResult> {
    const stored = this.roles.get(role.id);
    if (!stored) return 'not-found';
    if (stored.version !== role.version - 1) return 'version-conflict';
    if ([...this.roles.values()].some((r) => r.name === role.name && r.id !== role.id)) return 'name-taken';
    this.roles.set(role.id, copy(role));
    return 'saved';
  }
  async delete(id: RoleId): Promise<boolean> {
    return this.roles.delete(id);
  }
}

export class InMemoryRefreshTokenStore implements RefreshTokenStore {
  private readonly sessions = new Map<string, RefreshSession>();

  async insert(session: RefreshSession): Promise<void> {
    this.sessions.set(session.id, copy(session));
  }
  async findByHash(tokenHash: string): Promise<RefreshSession | null> {
    const found = [...this.sessions.values()].find((s) => s.tokenHash === tokenHash);
    return found ? copy(found) : null;
  }
  async spend(id: string, at: Date): Promise<boolean> {
    const s = this.sessions.get(id);
    if (!s || s.spentAt || s.revokedAt) return false;
    this.sessions.set(id, { ...s, spentAt: at });
    return true;
  }
  async findSession(familyId: string): Promise<SessionStatus | null> {
    const family = [...this.sessions.values()].filter((s) => s.familyId === familyId);
    if (family.length === 0) return null;
    return { userId: family[0]!.userId, revoked: family.some((s) => s.revokedAt !== null) };
  }
  async revokeFamily(familyId: string, at: Date): Promise<number> {
    return this.revokeWhere((s) => s.familyId === familyId, at).length;
  }
  async revokeForUser(userId: string, at: Date, exceptFamily?: string): Promise<string[]> {
    return [...new Set(this.revokeWhere((s) => s.userId === userId && s.familyId !== exceptFamily, at).map((s) => s.familyId))];
  }
  private revokeWhere(match: (s: RefreshSession) => boolean, at: Date): RefreshSession[] {
    const revoked: RefreshSession[] = [];
    for (const s of this.sessions.values()) {
      if (match(s) && !s.revokedAt) {
        this.sessions.set(s.id, { ...s, revokedAt: at });
        revoked.push(s);
      }
    }
    return revoked;
  }
}

export class InMemoryApiKeyRepository implements ApiKeyRepository {
  private readonly keys = new Map<string, ApiKey>();

  async insert(key: ApiKey): Promise<void> {
    this.keys.set(key.id, copy(key));
  }
  async findById(id: string): Promise<ApiKey | null> {
    const key = this.keys.get(id);
    return key ? copy(key) : null;
  }
  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const key = [...this.keys.values()].find((k) => k.keyHash === keyHash);
    return key ? copy(key) : null;
  }
  async listByOwner(ownerId: string): Promise<ApiKey[]> {
    return [...this.keys.values()].filter((k) => k.ownerId === ownerId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map(copy);
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

export class InMemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  async append(entry: AuditEntry, _tx?: Tx): Promise<void> {
    this.entries.push(copy(entry));
  }
  async list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const matching = this.entries
      .filter((e) => (query.actorId === undefined || e.actorId === query.actorId) && (query.action === undefined || e.action === query.action))
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1));
    const start = (query.page - 1) * query.limit;
    return { items: matching.slice(start, start + query.limit).map(copy), total: matching.length };
  }
}

/**
 * Memory writes cannot fail half-way for reasons of their own, but they are not rolled back
 * either, so this says `atomic: false` and use cases compensate exactly as they do elsewhere.
 */
export class InMemoryUnitOfWork implements UnitOfWork {
  readonly atomic = false;
  run<T>(work: (tx: Tx | undefined) => Promise<T>): Promise<T> {
    return work(undefined);
  }
}
