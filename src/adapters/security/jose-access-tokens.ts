import { webcrypto } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { AccessTokenClaims, AccessTokens } from '../../application/ports/security.port';

const ISSUER = 'nexus';
const AUDIENCE = 'nexus-api';
const REMEMBERED = 10_000;

/**
 * Short-lived HS256 JWTs; issuer, audience and expiry are checked on every verify. A client
 * sends the same token for its whole life, and WebCrypto verification runs on the thread pool,
 * so verified tokens are remembered (bounded, and never past their own expiry) and the key is
 * imported once.
 */
export class JoseAccessTokens implements AccessTokens {
  private readonly secret: Uint8Array;
  private key: Promise<webcrypto.CryptoKey> | undefined;
  private readonly verified = new Map<string, { claims: AccessTokenClaims; expiresAt: number }>();

  constructor(
    secret: string,
    readonly ttlSeconds = 900,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = new TextEncoder().encode(secret);
  }

  private hmacKey(): Promise<webcrypto.CryptoKey> {
    this.key ??= webcrypto.subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return this.key;
  }

  async issue(claims: AccessTokenClaims): Promise<string> {
    return new SignJWT({ sid: claims.sessionFamily })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(await this.hmacKey());
  }

  async verify(token: string): Promise<AccessTokenClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > this.now()) return known.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, await this.hmacKey(), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: new Date(this.now()) });
      if (typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string' || typeof payload.exp !== 'number') return null;
      const claims = { userId: payload.sub, sessionFamily: payload['sid'] };
      if (this.verified.size >= REMEMBERED) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { claims, expiresAt: payload.exp * 1000 });
      return claims;
    } catch {
      return null;
    }
  }
}
