import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../../src/application/ports/password-hasher.port';

/**
 * A PasswordHasher for unit tests: salted SHA-256, microseconds instead of argon2's tens of
 * milliseconds. Same contract as the real one (see password-hasher.contract.ts): the hash is
 * never the password, two hashes of one password differ, and only that password verifies.
 * Never for production: SHA-256 is far too fast to slow a guesser down.
 */
export class FastPasswordHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    const salt = randomBytes(8).toString('hex');
    return `fast$${salt}$${digest(salt, password)}`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    const [scheme, salt, expected] = hash.split('$');
    if (scheme !== 'fast' || salt === undefined || expected === undefined) return false;
    const actual = digest(salt, password);
    return actual.length === expected.length && timingSafeEqual(Buffer.from(actual), Buffer.from(expected));
  }
}

const digest = (salt: string, password: string): string => createHash('sha256').update(`${salt}:${password}`).digest('hex');
