import type { RefreshToken, SessionStatus } from '../../domain/auth/session';

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
}
