/**
 * One refresh token. Tokens of one login form a family: each refresh spends a token and issues
 * its successor in the same family. A spent token presented again means it was stolen (or the
 * client is confused): the whole family is revoked.
 *
 * The family is the *session*: its id (`familyId`) is the session id that every access token
 * minted for it carries (`sid`), so ending the session ends its access tokens too.
 */
export interface RefreshToken {
  readonly id: string;
  readonly userId: string;
  readonly familyId: string;
  /** SHA-256 of the token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly spentAt: Date | null;
  readonly revokedAt: Date | null;
}

export type SessionState = 'active' | 'spent' | 'revoked' | 'expired';

export const sessionState = (s: RefreshToken, now: Date): SessionState => {
  if (s.revokedAt) return 'revoked';
  if (s.spentAt) return 'spent';
  if (s.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
};

/**
 * A session (a family) as access tokens see it: whose it is, and whether it was revoked. Revoking
 * is final: once any token of the family is revoked the session is over, even if a refresh racing
 * the revocation slipped a successor into the family afterwards.
 */
export interface SessionStatus {
  readonly userId: string;
  readonly revoked: boolean;
}

/** Who is on the other end of a request, as the edge sees it (the IP honours TRUST_PROXY). */
export interface ClientInfo {
  readonly userAgent: string;
  readonly ip: string;
}

export const UNKNOWN_CLIENT: ClientInfo = { userAgent: '', ip: '' };

/**
 * What is kept about a session beside its tokens: when and from where it began, and when it was
 * last used (a refresh, or a request with one of its access tokens; written at most once a
 * minute). Kept across refreshes: the tokens rotate, the record stays. `id` is the family id.
 */
export interface SessionRecord extends ClientInfo {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
}

/** A live session that began before sessions had records: its newest token is all there is. */
export const recordFromToken = (token: RefreshToken): SessionRecord => ({
  id: token.familyId,
  userId: token.userId,
  createdAt: token.createdAt,
  lastUsedAt: token.createdAt,
  userAgent: '',
  ip: '',
});

/** Sessions in the order people look for them: the most recently used first. */
export const mostRecentlyUsedFirst = (a: SessionRecord, b: SessionRecord): number =>
  b.lastUsedAt.getTime() - a.lastUsedAt.getTime() || b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * How often a session's `lastUsedAt` is written at most: often enough to tell an abandoned
 * session from a used one, rarely enough that using a session costs no write per request.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** A session that is not the caller's, not live, or unknown: one answer, so ids are no oracle. */
export type SessionError = { readonly _tag: 'SessionNotFound'; readonly sessionId: string };

export const sessionNotFound = (sessionId: string): SessionError => ({ _tag: 'SessionNotFound', sessionId });

/** A live session as its owner (or an administrator) sees it: `current` is the caller's own. */
export interface ListedSession extends SessionRecord {
  readonly current: boolean;
}

export const listed = (sessions: readonly SessionRecord[], callerSessionId: string | undefined): ListedSession[] =>
  sessions.map((s) => ({ ...s, current: s.id === callerSessionId }));
