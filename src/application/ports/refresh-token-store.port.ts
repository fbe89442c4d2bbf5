import type { RefreshToken, SessionRecord, SessionStatus } from '../../domain/auth/session';

/**
 * Refresh tokens, grouped in families (sessions), and the record of each session (who, from
 * where, when last used). Whether a session is live is decided by its tokens alone: a session
 * is live while it has a token that is neither spent, revoked nor expired, and none of its tokens
 * was ever revoked. The record only describes it.
 */
export interface RefreshTokenStore {
  insert(session: RefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshToken | null>;
  /** Marks an active token spent; false if it was already spent or revoked (someone else won). */
  spend(id: string, at: Date): Promise<boolean>;
  /** The session (family) `familyId`: revoked as soon as any of its tokens is; null if unknown. */
  findSession(familyId: string): Promise<SessionStatus | null>;
  /** Revokes every token of a family; answers how many were live. */
  revokeFamily(familyId: string, at: Date): Promise<number>;
  /**
   * Revokes every live session of a user, except one family (the caller's own) if given, and
   * answers the ids of the sessions (families) it revoked.
   */
  revokeForUser(userId: string, at: Date, exceptFamily?: string): Promise<string[]>;
  /** Records a session that is starting (before its first token is inserted). */
  open(session: SessionRecord): Promise<void>;
  /**
   * The user's live sessions (see above), the most recently used first. A live session whose
   * record is missing (it began before sessions had records) is described by its newest token:
   * that token's creation for both dates, and an unknown client.
   */
  listLive(userId: string, now: Date): Promise<SessionRecord[]>;
  /**
   * Sets a session's `lastUsedAt` to `at` if it was last used at or before `ifUsedBefore` (one
   * conditional write, so instances that race do not each write); answers whether it wrote.
   */
  touch(familyId: string, at: Date, ifUsedBefore: Date): Promise<boolean>;
}
