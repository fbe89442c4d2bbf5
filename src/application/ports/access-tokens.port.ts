export interface AccessTokenClaims {
  readonly userId: string;
  /** The session (refresh-token family) the token was minted for: it dies with it. */
  readonly sessionId: string;
}

export interface AccessTokens {
  readonly ttlSeconds: number;
  /** No token older than this (by its own issue time) is accepted: the TTL plus the clock skew. */
  readonly maxAgeSeconds: number;
  issue(claims: AccessTokenClaims): Promise<string>;
  /**
   * The claims of a valid token, else null: signature, issuer, audience and expiry checked, and
   * an issue time neither in the future nor older than `maxAgeSeconds` (beyond the clock skew).
   * Says nothing about the session: callers check that it is still live.
   */
  verify(token: string): Promise<AccessTokenClaims | null>;
}
