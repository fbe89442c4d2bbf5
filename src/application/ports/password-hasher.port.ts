/**
 * Slow, salted password hashing. `verify` answers false (never throws) for a hash that is not
 * one of its own. Either call may reject with `Busy` (ports/busy.ts) when the hasher is at
 * capacity: it then did no work and must not be read as a wrong password.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}
