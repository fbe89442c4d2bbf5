import type { SessionRecord } from '../../domain/auth/session';

/**
 * Of the sessions a bulk revocation revoked (which include long-expired ones that were never
 * revoked), those that were live before it: the sessions that actually ended.
 */
export const endedAmong = (liveBefore: readonly SessionRecord[], revoked: readonly string[]): string[] => {
  const live = new Set(liveBefore.map((s) => s.id));
  return revoked.filter((id) => live.has(id));
};
