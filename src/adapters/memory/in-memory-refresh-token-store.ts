import type { RefreshTokenStore } from '../../application/ports/refresh-token-store.port';
import { mostRecentlyUsedFirst, type RefreshToken, recordFromToken, type SessionRecord, type SessionStatus } from '../../domain/auth/session';

export class InMemoryRefreshTokenStore implements RefreshTokenStore {
  private readonly sessions = new Map<string, RefreshToken>();
  /** Session records by family id. */
  private readonly records = new Map<string, SessionRecord>();

  async insert(session: RefreshToken): Promise<void> {
    this.sessions.set(session.id, structuredClone(session));
  }
  async findByHash(tokenHash: string): Promise<RefreshToken | null> {
    const found = [...this.sessions.values()].find((s) => s.tokenHash === tokenHash);
    return found ? structuredClone(found) : null;
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
  async open(session: SessionRecord): Promise<void> {
    if (!this.records.has(session.id)) this.records.set(session.id, structuredClone(session));
  }
  async listLive(userId: string, now: Date): Promise<SessionRecord[]> {
    const newest = new Map<string, RefreshToken>();
    const revoked = new Set<string>();
    for (const s of this.sessions.values()) {
      if (s.userId !== userId) continue;
      if (s.revokedAt) revoked.add(s.familyId);
      else if (!s.spentAt && s.expiresAt.getTime() > now.getTime() && (newest.get(s.familyId)?.createdAt.getTime() ?? -Infinity) < s.createdAt.getTime()) newest.set(s.familyId, s);
    }
    return [...newest.values()]
      .filter((token) => !revoked.has(token.familyId))
      .map((token) => {
        const record = this.records.get(token.familyId);
        return structuredClone(record?.userId === userId ? record : recordFromToken(token));
      })
      .sort(mostRecentlyUsedFirst);
  }
  async touch(familyId: string, at: Date, ifUsedBefore: Date): Promise<boolean> {
    const record = this.records.get(familyId);
    if (!record || record.lastUsedAt.getTime() > ifUsedBefore.getTime()) return false;
    this.records.set(familyId, { ...record, lastUsedAt: at });
    return true;
  }
  private revokeWhere(match: (s: RefreshToken) => boolean, at: Date): RefreshToken[] {
    const revoked: RefreshToken[] = [];
    for (const s of this.sessions.values()) {
      if (match(s) && !s.revokedAt) {
        this.sessions.set(s.id, { ...s, revokedAt: at });
        revoked.push(s);
      }
    }
    return revoked;
  }
}

