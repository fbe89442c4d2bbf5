import { webcrypto } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { AccessTokenClaims, AccessTokens } from '../../application/ports/access-tokens.port';

const ISSUER = 'nexus';
const AUDIENCE = 'nexus-api';
const REMEMBERED = 10_000;
/** How far apart the clocks of the instances that sign and verify may be. */
export const CLOCK_SKEW_SECONDS = 30;

/**
 * Short-lived HS256 JWTs; issuer, audience, expiry and issue time are checked on every verify. A
 * token's issue time may be at most the clock skew ahead, and the token at most TTL + skew old
 * whatever its `exp` claims, so a token signed with the right key but with stretched times is
 * refused. A client sends the same token for its whole life, and WebCrypto verification runs on
 * the thread pool, so verified tokens are remembered (bounded, and never past their own expiry or
 * maximum age) and the key is imported once. Remembering covers the signature only: whether the
 * token's session is still live is the caller's check, on every request.
 */
export class JoseAccessTokens implements AccessTokens {
  private readonly secret: Uint8Array;
  private key: Promise<webcrypto.CryptoKey> | undefined;
  private readonly verified = new Map<string, { claims: AccessTokenClaims; goodUntil: number }>();
  readonly maxAgeSeconds: number;

  constructor(
    secret: string,
    readonly ttlSeconds = 900,
    private readonly now: () => number = Date.now,
    private readonly skewSeconds = CLOCK_SKEW_SECONDS,
  ) {
    this.secret = new TextEncoder().encode(secret);
    this.maxAgeSeconds = ttlSeconds + skewSeconds;
  }

  private hmacKey(): Promise<webcrypto.CryptoKey> {
    this.key ??= webcrypto.subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return this.key;
  }

  async issue(claims: AccessTokenClaims): Promise<string> {
    const issuedAt = Math.floor(this.now() / 1000);
    return new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(await this.hmacKey());
  }

  async verify(token: string): Promise<AccessTokenClaims | null> {
    const now = this.now();
    const known = this.verified.get(token);
    if (known) {
      if (known.goodUntil > now) return known.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, await this.hmacKey(), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: new Date(now) });
      const { sub, sid, exp, iat } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') return null;
      const nowSeconds = now / 1000;
      if (iat > nowSeconds + this.skewSeconds || nowSeconds - iat > this.maxAgeSeconds) return null;
      const claims = { userId: sub, sessionId: sid };
      if (this.verified.size >= REMEMBERED) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { claims, goodUntil: Math.min(exp, iat + this.maxAgeSeconds) * 1000 });
      return claims;
    } catch {
      return null;
    }
  }
}
