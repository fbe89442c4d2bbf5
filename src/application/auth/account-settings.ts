/** How the account lifecycle behaves; from configuration (`APP_URL`, `PASSWORD_RESET_TTL_MINUTES`, ...). */
export interface AccountSettings {
  /** Where the links in account e-mails point, without a trailing slash (`${appUrl}/reset-password?token=`). */
  readonly appUrl: string;
  readonly resetTtlMinutes: number;
  readonly verifyTtlHours: number;
  /** A correct login of an account whose e-mail is not verified is refused (403). */
  readonly requireVerifiedEmail: boolean;
  /** Failed logins within the window that lock an account. */
  readonly lockThreshold: number;
  /** The first lock's length; each repeat doubles it, up to a day. */
  readonly lockMinutes: number;
}
