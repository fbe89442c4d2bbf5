import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../application/ports/logger.port';
import type { Mailer, OutgoingMail } from '../../application/ports/mailer.port';

/**
 * The embedded profile's mailer: nothing leaves the machine. Each mail is logged (recipient and
 * subject, not the body) and, when a folder is given, written there as a `.eml`-like text file.
 */
export class OutboxMailer implements Mailer {
  /** The most recent mails, newest last; for tests and the curious. */
  readonly sent: OutgoingMail[] = [];
  private counter = 0;

  constructor(
    private readonly logger: Logger,
    private readonly folder?: string,
    private readonly keep = 100,
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const messageId = mail.messageId ?? `<outbox-${Date.now()}-${++this.counter}@nexus>`;
    this.sent.push({ ...mail, messageId });
    if (this.sent.length > this.keep) this.sent.shift();
    if (this.folder) {
      await mkdir(this.folder, { recursive: true });
      const file = join(this.folder, `${Date.now()}-${this.counter}.txt`);
      await writeFile(file, `Message-ID: ${messageId}\nTo: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`);
    }
    this.logger.info('email written to the outbox', { to: mail.to, subject: mail.subject, messageId });
    return { messageId };
  }

  async ping(): Promise<void> {}
}
