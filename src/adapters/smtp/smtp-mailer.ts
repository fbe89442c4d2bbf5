import nodemailer, { type Transporter } from 'nodemailer';
import { MailRejected, type Mailer, type OutgoingMail } from '../../application/ports/mailer.port';

/**
 * Mail over SMTP with nodemailer; `SMTP_URL` is e.g. `smtp://user:pass@mail.example.com:587`.
 * A mail with an HTML part goes out as multipart/alternative: the text part first, the HTML
 * part last (the one a client prefers when it can show it).
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(withTimeouts(url));
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === undefined ? {} : { html: mail.html }),
        ...(mail.messageId === undefined ? {} : { messageId: mail.messageId }),
      });
      return { messageId: String(info.messageId) };
    } catch (err) {
      throw permanentOrAsIs(err);
    }
  }

  async ping(): Promise<void> {
    await this.transport.verify();
  }

  close(): void {
    this.transport.close();
  }
}

/** Adds connection timeouts to an SMTP URL unless it sets its own, so a dead server fails a send instead of hanging it. */
const withTimeouts = (url: string): string => {
  const parsed = new URL(url);
  for (const [key, value] of [['connectionTimeout', '10000'], ['greetingTimeout', '10000'], ['socketTimeout', '30000']] as const) {
    if (!parsed.searchParams.has(key)) parsed.searchParams.set(key, value);
  }
  return parsed.toString();
};

/** A 5xx reply (to RCPT, DATA, ...) is a permanent refusal; anything else is worth a retry. */
const permanentOrAsIs = (err: unknown): unknown => {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  if (typeof code !== 'number' || code < 500 || code > 599) return err;
  return new MailRejected(`permanent SMTP failure (${code}): ${(err as Error).message}`, code);
};
