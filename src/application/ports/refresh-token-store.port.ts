import type { RefreshSession } from '../../domain/auth/session';

export interface RefreshTokenStore {
  insert(session: RefreshSession): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshSession | null>;
  /** Marks an active token spent; false if it was already spent or revoked (someone else won). */
  spend(id: string, at: Date): Promise<boolean>;
  revokeFamily(familyId: string, at: Date): Promise<number>;
  /** Revokes every live session of a user, except one family (the caller's own) if given. */
  revokeForUser(userId: string, at: Date, exceptFamily?: string): Promise<number>;
}
