import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../application/ports/logger.port';
import type { Mailer, OutgoingMail } from '../../application/ports/mailer.port';

/**
 * The embedded profile's mailer: nothing leaves the machine. Each mail is logged (recipient and
 * subject, not the body) and, when a folder is given, written there as a `.txt` file people can
 * read: `Message-ID:`, `To:` and `Subject:` lines, a blank line, the text part. A mail with an
 * HTML part gets a `.html` file of the same name beside it, to open in a browser.
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

  async send(given: OutgoingMail): Promise<{ messageId: string }> {
    // One line per header whatever a value holds: a line break in it cannot add a header.
    const mail = { ...given, to: oneLine(given.to), subject: oneLine(given.subject) };
    const messageId = oneLine(mail.messageId ?? `<outbox-${Date.now()}-${++this.counter}@nexus>`);
    this.sent.push({ ...mail, messageId });
    if (this.sent.length > this.keep) this.sent.shift();
    if (this.folder) {
      await mkdir(this.folder, { recursive: true });
      const base = join(this.folder, `${Date.now()}-${++this.counter}`);
      await writeFile(`${base}.txt`, `Message-ID: ${messageId}\nTo: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`);
      if (mail.html !== undefined) await writeFile(`${base}.html`, mail.html);
    }
    this.logger.info('email written to the outbox', { to: mail.to, subject: mail.subject, messageId });
    return { messageId };
  }

  async ping(): Promise<void> {}
}

// eslint-disable-next-line no-control-regex
const oneLine = (value: string): string => value.replace(/[\r\n\u2028\u2029\u0000-\u001f\u007f]+/g, ' ');
