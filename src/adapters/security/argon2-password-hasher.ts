import argon2 from 'argon2';
import type { PasswordHasher } from '../../application/ports/password-hasher.port';

/**
 * argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 iterations, 1 lane
 * (OWASP Password Storage Cheat Sheet). Parameters are stored in each hash, so raising them
 * later still verifies old hashes.
 */
export const OWASP_ARGON2ID = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly options: { memoryCost: number; timeCost: number; parallelism: number } = OWASP_ARGON2ID) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { ...this.options, type: argon2.argon2id });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
