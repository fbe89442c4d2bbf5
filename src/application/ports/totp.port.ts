/** Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s steps), base32 secrets. */
export interface Totp {
  /** A new random secret (160 bits), base32 without padding. */
  newSecret(): string;
  /** The `otpauth://totp/...` URI an authenticator app reads (as a QR code) for `account`. */
  uri(secret: string, account: string): string;
  /**
   * The time step whose code `code` is, looked for in the step of `at` and one step either side;
   * null when it is none of them. A step is `floor(unix seconds / 30)`.
   */
  stepOf(secret: string, code: string, at: Date): number | null;
}
