import { jwtVerify, SignJWT } from 'jose';
import type { AccessTokenClaims, AccessTokens } from '../../application/ports/security.port';

const ISSUER = 'nexus';
const AUDIENCE = 'nexus-api';

/** Short-lived HS256 JWTs; issuer, audience and expiry are checked on every verify. */
export class JoseAccessTokens implements AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds = 900,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(claims: AccessTokenClaims): Promise<string> {
    return new SignJWT({ sid: claims.sessionFamily })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string') return null;
      return { userId: payload.sub, sessionFamily: payload['sid'] };
    } catch {
      return null;
    }
  }
}
