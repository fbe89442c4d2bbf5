/**
 * The TOTP state of a user. Secrets are stored sealed (SecretBox), recovery codes as digests;
 * nothing here is usable as it is read from storage.
 */
export interface PendingTotp {
  /** Becomes the id of the active TOTP when confirmed: used steps are recorded against it. */
  readonly id: string;
  readonly sealedSecret: string;
  readonly createdAt: Date;
}

export interface ActiveTotp {
  readonly id: string;
  readonly sealedSecret: string;
  readonly enabledAt: Date;
  /** Digests of the recovery codes not used yet. */
  readonly recoveryCodeHashes: readonly string[];
  /** The latest time step whose code was accepted: no code of it or of an earlier step is accepted again. */
  readonly lastUsedStep: number;
}

export interface MfaState {
  readonly userId: string;
  readonly pending: PendingTotp | null;
  readonly active: ActiveTotp | null;
}

export interface MfaStore {
  find(userId: string): Promise<MfaState | null>;
  /** Starts an enrolment, replacing a pending one; refused while TOTP is active. */
  setPending(userId: string, pending: PendingTotp): Promise<'started' | 'already-active'>;
  /**
   * Makes pending enrolment `pendingId` the active TOTP (same id and secret), with its recovery
   * codes; false, for all callers but one, when it is no longer pending (replaced by a new
   * enrolment, or confirmed by someone else first) or TOTP is already active.
   */
  activate(userId: string, pendingId: string, active: Pick<ActiveTotp, 'enabledAt' | 'recoveryCodeHashes' | 'lastUsedStep'>): Promise<boolean>;
  /** Turns TOTP off: forgets the active secret, its recovery codes and used steps, and any pending enrolment. False when it was off. */
  disable(userId: string): Promise<boolean>;
  /**
   * Records that a code of time step `step` of TOTP `totpId` (pending or active) was accepted.
   * True for exactly one caller per (TOTP, step), on every instance; false also when a later
   * step of the active TOTP was already accepted.
   */
  claimStep(userId: string, totpId: string, step: number, at: Date): Promise<boolean>;
  /** Spends a recovery code of active TOTP `totpId`, by digest: true exactly once, false when it is not one of its unused codes. */
  useRecoveryCode(userId: string, totpId: string, codeHash: string, at: Date): Promise<boolean>;
}
