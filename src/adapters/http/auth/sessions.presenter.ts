import type { ListedSession } from '../../../domain/auth/session';
import type { SessionView } from '../openapi/views';

/**
 * The public shape of a session. Built field by field: nothing about its tokens (hashes, family
 * internals) leaves, and an unknown client is `null`, not an empty string.
 */
export const presentSession = (s: ListedSession): SessionView => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  lastUsedAt: s.lastUsedAt.toISOString(),
  userAgent: s.userAgent === '' ? null : s.userAgent,
  ip: s.ip === '' ? null : s.ip,
  current: s.current,
});
