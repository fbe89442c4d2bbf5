import type { AccountTokenPurpose } from '../../domain/auth/auth.errors';

export type { AccountTokenPurpose } from '../../domain/auth/auth.errors';

/**
 * A one-time token mailed in an account link (password reset, e-mail verification). Only the
 * SHA-256 of the token is stored (`SecretTokens.digest`): the token itself exists in the e-mail
 * and nowhere else.
 */
export interface AccountToken {
  readonly purpose: AccountTokenPurpose;
  /** Hex SHA-256 of the token; the store's key. */
  readonly tokenHash: string;
  readonly userId: string;
  /** The normalised address the token was mailed to: a token for an address the user no longer has is refused. */
  readonly email: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** Why a token cannot be used now: never issued (or purged), used, withdrawn, or out of time. */
export type TokenUnusable = 'unknown' | 'used' | 'revoked' | 'expired';

/** A token that may still be used, or why not. */
export type TokenCheck =
  | { readonly status: 'valid'; readonly token: AccountToken }
  /** A withdrawn token says what it was (whose, mailed where), so a refusal can say why it was withdrawn. */
  | { readonly status: 'revoked'; readonly token: AccountToken }
  | { readonly status: Exclude<TokenUnusable, 'revoked'> };

/** This call used the token up, or why it could not. */
export type TokenConsumption = { readonly status: 'consumed'; readonly token: AccountToken } | { readonly status: TokenUnusable };

/**
 * Where one-time account tokens live until they are used, withdrawn or purged. Every answer
 * about a token is scoped to its purpose: a reset token is unknown to verification and back.
 */
export interface AccountTokenStore {
  issue(token: AccountToken): Promise<void>;
  /** Says whether the token could be used now, without using it (a refused request changes nothing). */
  check(purpose: AccountTokenPurpose, tokenHash: string, now: Date): Promise<TokenCheck>;
  /**
   * Uses the token up, atomically: of any number of concurrent calls with one token, on any
   * number of processes, exactly one is answered `consumed`; the others `used`. A token expires
   * at `expiresAt` (unusable from that instant on).
   */
  consume(purpose: AccountTokenPurpose, tokenHash: string, now: Date): Promise<TokenConsumption>;
  /**
   * Withdraws every unused, unexpired token of the user for these purposes (a newer link was
   * sent, the address changed, the job is done); they answer `revoked` from then on. Atomic with
   * `consume`: a token is either consumed or withdrawn, never both. Answers how many it withdrew.
   */
  revokeUnused(userId: string, purposes: readonly AccountTokenPurpose[], now: Date): Promise<number>;
}
