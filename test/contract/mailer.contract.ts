import { expect } from 'chai';
import type { Mailer } from '../../src/application/ports/mailer.port';

/** A mail as the other side received it; text with line ends as `\n`. */
export interface DeliveredMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
}

export type MakeMailer = () => Promise<{
  mailer: Mailer;
  /** What reached the recipient, read from where the adapter delivers (its outbox, its folder, the SMTP server). */
  delivered: (to: string) => Promise<DeliveredMail[]>;
  cleanup?: () => Promise<void>;
}>;

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
