/** Why a sealed value did not open. */
export type UnsealFailure = 'another-key' | 'corrupt';

export type Unsealed = { readonly ok: true; readonly plaintext: string } | { readonly ok: false; readonly reason: UnsealFailure };

/**
 * Seals a secret that has to leave the process (an e-mail carrying a one-time link, on its way
 * through the database outbox and the job queue) so that only Nexus processes holding the same
 * key can read it, and nobody can change it unnoticed. `context` says where the value belongs
 * (which mail, to whom): a value opened under another context does not open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** `another-key`: sealed by a process with a different key (`JWT_SECRET` changed, or none was set); `corrupt`: changed, truncated or moved. */
  open(sealed: string, context: string): Unsealed;
}
