/**
 * Every e-mail an account flow sends, and what each one is told. `link` carries a one-time
 * token: treat it as a secret (never log it, never store it in the clear).
 */
export interface AccountMailVars {
  'welcome': { readonly link: string };
  'email-verification': { readonly link: string };
  'password-reset': { readonly link: string; readonly expiresInMinutes: number };
  'password-changed': Record<string, never>;
  'account-locked': { readonly lockedUntil: string };
  'email-changed': { readonly newEmail: string };
}
export type AccountMailKind = keyof AccountMailVars;

/** Every kind, once (a kind added to `AccountMailVars` without its line here does not compile). */
const KINDS: { readonly [K in AccountMailKind]: true } = {
  'welcome': true,
  'email-verification': true,
  'password-reset': true,
  'password-changed': true,
  'account-locked': true,
  'email-changed': true,
};
export const ACCOUNT_MAIL_KINDS = Object.keys(KINDS) as readonly AccountMailKind[];

export interface Recipient {
  readonly email: string;
  readonly name: string;
}

/** One e-mail, worded: a one-line subject, a plain-text part and an HTML part. */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Words the account e-mails from templates kept outside the code. Every variable is escaped
 * in the HTML part; the subject is always one line, whatever a variable holds.
 */
export interface MailTemplates {
  render<K extends AccountMailKind>(kind: K, recipient: Recipient, vars: AccountMailVars[K]): RenderedMail;
}
