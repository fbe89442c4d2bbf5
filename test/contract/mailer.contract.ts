import { expect } from 'chai';
import type { Mailer } from '../../src/application/ports/mailer.port';

/** A mail as the other side received it; text with line ends as `\n`. */
export interface DeliveredMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The HTML part, when the mail has one. */
  readonly html?: string;
  readonly messageId: string;
  /** The names of the headers as delivered, lower case, where the adapter writes headers. */
  readonly headers?: readonly string[];
}

export type MakeMailer = () => Promise<{
  mailer: Mailer;
  /** What reached the recipient, read from where the adapter delivers (its outbox, its folder, the SMTP server). */
  delivered: (to: string) => Promise<DeliveredMail[]>;
  cleanup?: () => Promise<void>;
}>;

const HTML = '<!doctype html>\n<html><body><p>Hello <strong>Ada</strong>,</p><p><a href="https://app.example/verify-email?token=abc_DEF-123">Confirm</a></p></body></html>\n';

/** What every Mailer must do, outbox and SMTP alike. */
export const mailerContract = (name: string, make: MakeMailer): void => {
  describe(`Mailer contract :: ${name}`, () => {
    let mailer: Mailer;
    let delivered: (to: string) => Promise<DeliveredMail[]>;
    let cleanup: (() => Promise<void>) | undefined;
    let count = 0;
    const recipient = () => `contract-${process.pid}-${++count}@example.com`;

    beforeEach(async () => {
      ({ mailer, delivered, cleanup } = await make());
    });
    afterEach(async () => cleanup?.());

    it('delivers the recipient, the subject and the text', async () => {
      const to = recipient();

      await mailer.send({ to, subject: 'Welcome to Nexus', text: 'Hello Ada,\nyour account is ready.' });

      const mails = await delivered(to);
      expect(mails).to.have.length(1);
      expect(mails[0]).to.deep.include({ to, subject: 'Welcome to Nexus', text: 'Hello Ada,\nyour account is ready.' });
      expect(mails[0]?.html, 'no HTML part was given').to.equal(undefined);
    });

    it('delivers an HTML part alongside the text part when it is given one', async () => {
      const to = recipient();

      await mailer.send({ to, subject: 'Confirm your e-mail address', text: 'Hello Ada,\nconfirm: https://app.example/verify-email?token=abc_DEF-123', html: HTML });

      const mails = await delivered(to);
      expect(mails).to.have.length(1);
      expect(mails[0]).to.deep.include({ to, subject: 'Confirm your e-mail address', text: 'Hello Ada,\nconfirm: https://app.example/verify-email?token=abc_DEF-123' });
      expect(mails[0]?.html?.trim()).to.equal(HTML.trim());
    });

    it('keeps a subject with line breaks on one header line: nothing is added to the headers', async () => {
      const to = recipient();
      const intruder = `intruder-${process.pid}-${count}@example.com`;

      await mailer.send({ to, subject: `Hello\r\nBcc: ${intruder}\r\nX-Injected: yes`, text: 'x' });

      const mails = await delivered(to);
      expect(mails).to.have.length(1);
      expect(mails[0]?.subject).to.not.match(/[\r\n]/);
      expect(mails[0]?.subject).to.match(/^Hello\s+Bcc:/);
      expect(mails[0]?.headers ?? []).to.not.include.members(['bcc', 'x-injected']);
      expect(await delivered(intruder)).to.have.length(0);
    });

    it('returns the message id it delivered under', async () => {
      const to = recipient();

      const { messageId } = await mailer.send({ to, subject: 'Id', text: 'x' });

      expect(messageId).to.be.a('string').and.not.equal('');
      expect((await delivered(to))[0]?.messageId).to.equal(messageId);
    });

    it('gives two mails different message ids', async () => {
      const to = recipient();
      const first = await mailer.send({ to, subject: 'One', text: '1' });
      const second = await mailer.send({ to, subject: 'Two', text: '2' });
      expect(first.messageId).to.not.equal(second.messageId);
      expect(await delivered(to)).to.have.length(2);
    });

    it('honours a message id it is given, so a resend can be recognised', async () => {
      const to = recipient();
      const messageId = `<resend-${process.pid}-${count}@nexus.test>`;

      const sent = await mailer.send({ to, subject: 'Again', text: 'same mail', messageId });

      expect(sent.messageId).to.equal(messageId);
      expect((await delivered(to))[0]?.messageId).to.equal(messageId);
    });

    it('answers a ping while it can deliver', async () => {
      await mailer.ping();
    });
  });
};
