/**
 * The second step a password-verified login owes when TOTP is on: an `mfaToken` (stored only as
 * its digest), bound to the user, short-lived, exchanged for a session once.
 */
export interface MfaChallenge {
  readonly tokenHash: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface MfaChallengeStore {
  insert(challenge: MfaChallenge): Promise<void>;
  /** The challenge with this digest while it is neither spent nor expired at `at`; else null. */
  findLive(tokenHash: string, at: Date): Promise<MfaChallenge | null>;
  /** Spends a live challenge: true for exactly one caller, on every instance; false once spent or expired. */
  spend(tokenHash: string, at: Date): Promise<boolean>;
}
