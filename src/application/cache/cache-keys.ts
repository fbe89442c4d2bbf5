/**
 * Every key the application keeps in the shared cache, with how long its entries live. Only
 * this file spells a key; `AccessCache` is the one place that drops them after a write.
 *
 * | key                       | holds                                        | dropped by                          |
 * |---------------------------|----------------------------------------------|-------------------------------------|
 * | `user:<id>`               | a visible user (JSON, dates as ISO strings)  | `forgetUser`                        |
 * | `perms:user:<id>`         | the user's effective permissions             | `forgetUser`, `forgetAllPermissions`|
 * | `stats:by-role`           | the users-by-role statistics                 | `forgetUser`, `forgetAllPermissions`|
 * | `session:live:<sid>`      | "live for this user version" (readers fill)  | `forgetSessions`                    |
 * | `session:revoked:<sid>`   | "revoked" (final, wins over a live entry)    | never: it expires                   |
 * | `sent:<queue>:<jobId>`    | the Message-ID an e-mail job already sent    | never: it expires                   |
 */
export const CACHE_KEYS = {
  user: (userId: string): string => `user:${userId}`,
  permissions: (userId: string): string => `perms:user:${userId}`,
  /** What every `permissions` key starts with. */
  permissionsPrefix: 'perms:',
  statsByRole: 'stats:by-role',
  liveSession: (sessionId: string): string => `session:live:${sessionId}`,
  revokedSession: (sessionId: string): string => `session:revoked:${sessionId}`,
  /** An e-mail job that already sent, so a retry does not send again. */
  sentEmail: (queue: string, jobId: string): string => `sent:${queue}:${jobId}`,
} as const;

export const CACHE_TTL_SECONDS = {
  user: 300,
  permissions: 60,
  statsByRole: 60,
  /** Bounds how long a live entry can outlast a revocation whose cache write failed. */
  liveSession: 60,
  sentEmail: 7 * 86_400,
} as const;
