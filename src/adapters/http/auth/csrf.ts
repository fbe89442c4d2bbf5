import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed CSRF tokens bound to a refresh cookie: `<nonce>.<hmac(key, nonce, binding)>`, where the
 * binding is a digest of the refresh token. A token minted for one refresh cookie does not
 * validate with another (cookie tossing), nor one minted by a deployment with another secret,
 * nor any value the client made up, even when the cookie and the header agree.
 */
export class CsrfTokens {
  private readonly key: Buffer;

  /** `secret` is the deployment's server secret (JWT_SECRET); the key is derived for this use only. */
  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('nexus:csrf-token:v1').digest();
  }

  /** What a token is bound to for this refresh token (kept in an httpOnly cookie for `GET /api/csrf-token`). */
  bindingOf(refreshToken: string): string {
    return this.mac(`binding:${refreshToken}`);
  }

  mint(binding: string): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${nonce}.${this.mac(`token:${nonce}:${binding}`)}`;
  }

  verify(token: string, binding: string): boolean {
    const parts = token.split('.');
    if (parts.length !== 2 || !/^[\w-]{22}$/.test(parts[0]!)) return false;
    const expected = Buffer.from(this.mac(`token:${parts[0]}:${binding}`));
    const given = Buffer.from(parts[1]!);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
