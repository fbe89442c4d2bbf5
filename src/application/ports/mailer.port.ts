export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Lets a receiving system drop a resend of a message it already has. */
  readonly messageId?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  ping(): Promise<void>;
}
