/**
 * Authenticated encryption for secrets the server must read back (a TOTP secret cannot be
 * hashed: codes are computed from it). `context` is bound to the ciphertext (associated data),
 * so a sealed value copied to another record (another user's) does not open there.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** The plaintext, or null when `sealed` was not sealed by this key for this context (or was altered). */
  open(sealed: string, context: string): string | null;
}
