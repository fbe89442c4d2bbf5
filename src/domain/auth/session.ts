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
