export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  /** The plain-text part; every mail has one. */
  readonly text: string;
  /** An HTML part with the same content; with one, the mail is sent as multipart/alternative (text first, HTML preferred). */
  readonly html?: string;
  /** Lets a receiving system drop a resend of a message it already has. */
  readonly messageId?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  ping(): Promise<void>;
}

/**
 * The mail server refused the message for good (an SMTP 5xx reply): sending it again cannot
 * help. Temporary refusals (4xx) and network errors are plain errors, and are retried.
 */
export class MailRejected extends Error {
  override readonly name = 'MailRejected';
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}
