export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** zxcvbn's 0-4 scale; `userInputs` (name, e-mail) count as easy guesses. */
export interface PasswordStrength {
  score(password: string, userInputs: readonly string[]): number;
}

export interface AccessTokenClaims {
  readonly userId: string;
  readonly sessionFamily: string;
}

export interface AccessTokens {
  readonly ttlSeconds: number;
  issue(claims: AccessTokenClaims): Promise<string>;
  /** The claims of a valid token (signature, issuer, audience, expiry all checked), else null. */
  verify(token: string): Promise<AccessTokenClaims | null>;
}

/** Unguessable tokens and their one-way digests. */
export interface SecretTokens {
  generate(bytes: number): string;
  digest(token: string): string;
}
