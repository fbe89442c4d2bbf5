import { createHash, randomBytes } from 'node:crypto';
import type { SecretTokens } from '../../application/ports/secret-tokens.port';

/**
 * Tokens from the OS's CSPRNG, base64url; digests are SHA-256. A plain hash is right here (not
 * argon2): the tokens carry 256 bits of randomness, so there is nothing to brute-force.
 */
export class CryptoSecretTokens implements SecretTokens {
  generate(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  }

  digest(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }
}
